/* The AVX-512 VNNI Q8 kernel: a GEMM over panels of 16 weight rows, one row per vector lane.
 *
 * A panel is the weights of 16 rows repacked once per call: per block, eight vectors of 16 rows x 4 bytes
 * (u bytes for vpdpbusd), the 16 rows' scales and (Q4_1) minimums as floats. Every token then multiplies the
 * panel by broadcasting 4 of its quantised bytes at a time: eight vpdpbusd per block give each lane the
 * block's exact integer dot product, and the float work - convert, scale product, fused multiply-add - is
 * paid once per block, row vector and token (three or four operations per 512 multiply-adds). A register
 * tile of PANELS x TOKENS keeps PANELS weight vectors and 2 x PANELS x TOKENS accumulators in the 32 zmm
 * registers. Unpacking is amortised over all the tokens of the call; a single token (decode) still packs,
 * which costs about as much as the products and far less than reading the weights from memory. */
#include "legacy_blocks.h"
#include <immintrin.h>

#pragma clang fp contract(off)

#ifndef PANELS
#define PANELS 2                 /* 16-row panels per register tile */
#endif
#ifndef TOKENS
#define TOKENS 4                 /* tokens per register tile */
#endif
#define PANEL_BLOCK_BYTES 640    /* per block: u [8][16][4], scales [16], minimums [16] */
#define VECTOR __attribute__((target(CK_VECTOR_TARGET)))

/* Four vectors of four rows' 4 dwords each (row i of z[j] in 128-bit lane i) to four vectors of one dword
 * index for all 16 rows (lane = row). */
VECTOR CK_INLINE void transpose_4x16(const __m512i z[4], __m512i g[4]) {
    const __m512i even = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(2));
    const __m512i t0 = _mm512_permutex2var_epi32(z[0], even, z[1]), t1 = _mm512_permutex2var_epi32(z[0], odd, z[1]);
    const __m512i t2 = _mm512_permutex2var_epi32(z[2], even, z[3]), t3 = _mm512_permutex2var_epi32(z[2], odd, z[3]);
    g[0] = _mm512_shuffle_i64x2(t0, t2, 0x44);
    g[1] = _mm512_shuffle_i64x2(t0, t2, 0xEE);
    g[2] = _mm512_shuffle_i64x2(t1, t3, 0x44);
    g[3] = _mm512_shuffle_i64x2(t1, t3, 0xEE);
}

/* 16 bytes at `offset` of four rows, one row per 128-bit lane. */
VECTOR CK_INLINE __m512i load_4_rows(const uint8_t *const rows[4], size_t offset) {
    __m512i z = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(rows[0] + offset)));
    z = _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(rows[1] + offset)), 1);
    z = _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(rows[2] + offset)), 2);
    return _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(rows[3] + offset)), 3);
}

/* Repacks `rows` (1...16) rows starting at `w` into a panel; missing rows repeat the last one (their lanes
 * are computed and never stored). All exact. */
VECTOR CK_INLINE void pack_panel(int type, const uint8_t *w, size_t w_stride, int rows, int nb, uint8_t *panel,
                                 const uint8_t *prefetch, size_t prefetch_bytes) {
    const int block_bytes = ck_legacy_block_bytes(type);
    const uint8_t *row[16];
    int32_t offsets[16];
    for (int i = 0; i < 16; i++) {
        const int r = i < rows ? i : rows - 1;
        row[i] = w + (size_t)r * w_stride;
        offsets[i] = (int32_t)((size_t)r * w_stride);
    }
    const __m512i gather = _mm512_loadu_si512(offsets);
    const size_t q_offset = type == CK_Q4_1 ? 4 : 2;
    /* Rows that come next, fetched a little per block: a burst of prefetches would only queue behind each
     * other, while spread out they overlap the memory traffic with this panel's work. */
    const size_t prefetch_step = (prefetch_bytes / (size_t)nb + 63) & ~(size_t)63;
    for (int b = 0; b < nb; b++, panel += PANEL_BLOCK_BYTES) {
        for (size_t at = (size_t)b * prefetch_step; at < (size_t)(b + 1) * prefetch_step && at < prefetch_bytes; at += 64)
            _mm_prefetch((const char *)prefetch + at, _MM_HINT_T1);
        const size_t at = (size_t)b * block_bytes;
        const __m512i header = _mm512_i32gather_epi32(gather, (const void *)(w + at), 1);
        _mm512_store_ps((float *)(panel + 512), _mm512_cvtph_ps(_mm512_cvtepi32_epi16(header)));
        if (type == CK_Q4_1)
            _mm512_store_ps((float *)(panel + 576), _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(header, 16))));
        __m512i lo[4], hi[4], g[4];
        for (int i = 0; i < 4; i++) {
            const __m512i z = load_4_rows(row + 4 * i, at + q_offset);
            if (type == CK_Q8_0) {
                const __m512i bias = _mm512_set1_epi8((char)0x80);
                lo[i] = _mm512_xor_si512(z, bias);
                hi[i] = _mm512_xor_si512(load_4_rows(row + 4 * i, at + q_offset + 16), bias);
            } else {
                const __m512i nibble = _mm512_set1_epi8(0x0f);
                lo[i] = _mm512_and_si512(z, nibble);
                hi[i] = _mm512_and_si512(_mm512_srli_epi16(z, 4), nibble);
            }
        }
        transpose_4x16(lo, g);
        for (int j = 0; j < 4; j++) _mm512_store_si512((void *)(panel + 64 * j), g[j]);
        transpose_4x16(hi, g);
        for (int j = 0; j < 4; j++) _mm512_store_si512((void *)(panel + 256 + 64 * j), g[j]);
    }
}

/* y[t][16v + lane] for v < NV, t < T: NV panels (`panel_stride` bytes apart) times T activation rows. */
VECTOR CK_INLINE void tile(const int NV, const int T, const int type, const uint8_t *panel, size_t panel_stride,
                           int nb, const uint8_t *x, const ck_q8_layout *l, float *y, size_t ldy,
                           const __mmask16 mask[PANELS]) {
    const size_t correction = ck_legacy_correction_offset(type, l), xs = l->row_bytes;
    __m512 acc[PANELS][TOKENS];
    for (int v = 0; v < NV; v++)
        for (int t = 0; t < T; t++) acc[v][t] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *pb = panel + (size_t)b * PANEL_BLOCK_BYTES;
        const uint8_t *xb = x + (size_t)b * 32;
        __m512i isum[PANELS][TOKENS];
        for (int t = 0; t < T; t++) {
            const __m512i start = type == CK_Q4_1 ? _mm512_setzero_si512()
                : _mm512_set1_epi32(*(const int32_t *)(x + t * xs + correction + 4 * (size_t)b));
            for (int v = 0; v < NV; v++) isum[v][t] = start;
        }
        for (int g = 0; g < 8; g++) {
            __m512i u[PANELS];
            for (int v = 0; v < NV; v++) u[v] = _mm512_load_si512((const void *)(pb + v * panel_stride + 64 * g));
            for (int t = 0; t < T; t++) {
                const __m512i q = _mm512_set1_epi32(*(const int32_t *)(xb + t * xs + 4 * g));
                for (int v = 0; v < NV; v++) isum[v][t] = _mm512_dpbusd_epi32(isum[v][t], u[v], q);
            }
        }
        for (int v = 0; v < NV; v++) {
            const __m512 dw = _mm512_load_ps((const float *)(pb + v * panel_stride + 512));
            for (int t = 0; t < T; t++) {
                const float dx = ((const float *)(x + t * xs + l->d_offset))[b];
                acc[v][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[v][t]), _mm512_mul_ps(dw, _mm512_set1_ps(dx)), acc[v][t]);
            }
            if (type == CK_Q4_1) {
                const __m512 mw = _mm512_load_ps((const float *)(pb + v * panel_stride + 576));
                for (int t = 0; t < T; t++) {
                    const float s = ((const float *)(x + t * xs + l->s_offset))[b];
                    acc[v][t] = _mm512_fmadd_ps(mw, _mm512_set1_ps(s), acc[v][t]);
                }
            }
        }
    }
    for (int v = 0; v < NV; v++)
        for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(y + t * ldy + 16 * v, mask[v], acc[v][t]);
}

/* The tile for `nv` panels and `T` tokens, with both as compile-time constants (one inlined copy each). */
#define TILE(NV, T) tile(NV, T, TYPE, panel, panel_stride, l.nb, x, &l, out, ldy, mask)
#define TILE_T(NV)                                                         \
    switch (T) {                                                           \
    case 1: TILE(NV, 1); break;                                            \
    case 2: if (TOKENS >= 2) TILE(NV, 2); break;                           \
    case 3: if (TOKENS >= 3) TILE(NV, 3); break;                           \
    case 4: if (TOKENS >= 4) TILE(NV, 4); break;                           \
    case 5: if (TOKENS >= 5) TILE(NV, 5); break;                           \
    case 6: if (TOKENS >= 6) TILE(NV, 6); break;                           \
    case 7: if (TOKENS >= 7) TILE(NV, 7); break;                           \
    default: if (TOKENS >= 8) TILE(NV, 8); break;                          \
    }
#define TILES_FOR_TYPE                                                     \
    switch (nv) {                                                          \
    case 1: TILE_T(1) break;                                               \
    case 2: if (PANELS >= 2) { TILE_T(2) } break;                          \
    case 3: if (PANELS >= 3) { TILE_T(3) } break;                          \
    default: if (PANELS >= 4) { TILE_T(4) } break;                         \
    }

VECTOR void ck_gemm_q8_vector(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                              const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    const size_t panel_stride = (size_t)l.nb * PANEL_BLOCK_BYTES;
    uint8_t *panel = ck_scratch(PANELS * panel_stride);
    for (int r = r0; r < r1; r += 16 * PANELS) {
        const int rows = r1 - r < 16 * PANELS ? r1 - r : 16 * PANELS;
        const int nv = (rows + 15) / 16;
        /* The next tile's rows (contiguous) are fetched while this one is packed: decode is a stream through
         * the weights, and rows read block by block across a panel defeat the hardware prefetchers. */
        const uint8_t *next = w + (size_t)(r + 16 * PANELS) * w_stride;
        const size_t next_bytes = r + 16 * PANELS < r1
            ? (size_t)(r1 - r - 16 * PANELS < 16 * PANELS ? r1 - r - 16 * PANELS : 16 * PANELS) * w_stride : 0;
        __mmask16 mask[PANELS];
        for (int v = 0; v < PANELS; v++) {
            const int valid = rows - 16 * v;
            mask[v] = valid >= 16 ? 0xFFFF : valid > 0 ? (__mmask16)((1u << valid) - 1) : 0;
            if (v < nv) pack_panel(type, w + (size_t)(r + 16 * v) * w_stride, w_stride, valid < 16 ? valid : 16,
                                   l.nb, panel + v * panel_stride, next + v * (next_bytes / PANELS),
                                   v + 1 < nv ? next_bytes / PANELS : next_bytes - v * (next_bytes / PANELS));
        }
        for (int t0 = 0; t0 < ntok; t0 += TOKENS) {
            const int T = ntok - t0 < TOKENS ? ntok - t0 : TOKENS;
            const uint8_t *x = xq + (size_t)t0 * l.row_bytes;
            float *out = y + (size_t)t0 * ldy + r;
            if (type == CK_Q4_1) {
#define TYPE CK_Q4_1
                TILES_FOR_TYPE
#undef TYPE
            } else if (type == CK_Q4_0) {
#define TYPE CK_Q4_0
                TILES_FOR_TYPE
#undef TYPE
            } else {
#define TYPE CK_Q8_0
                TILES_FOR_TYPE
#undef TYPE
            }
        }
    }
}
