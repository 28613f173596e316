/* The AVX-512 VNNI Q8 kernel: a register tile of up to 4 weight rows x 4 activation rows.
 *
 * A row tile's weights are unpacked once into scratch (u bytes, lane scales, minimums) and reused for every
 * activation tile, so prompt processing pays the nibble unpacking once per row rather than once per token.
 * Per 64 values and (row, token) pair the inner loop is vpdpbusd, vcvtdq2ps, vmulps, vfmadd. */
#include "legacy_blocks.h"
#include <immintrin.h>

#define TILE_ROWS 4
#define TILE_COLS 4

/* The same tree as the portable reduce16: 16 -> 8 -> 4 -> 2 -> 1. */
__attribute__((target(CK_VECTOR_TARGET))) CK_INLINE float reduce16(__m512 v) {
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_shuffle_ps(q, q, 1));
    return _mm_cvtss_f32(q);
}

__attribute__((target(CK_VECTOR_TARGET))) CK_INLINE void
tile(const int R, const int C, const ck_q8_layout *l, const uint8_t *u, const float *ws, const float *m,
     const size_t u_stride, const size_t ws_stride, const size_t m_stride,
     const uint8_t *x, const size_t x_stride, float *y, const size_t ldy) {
    __m512 acc[TILE_ROWS][TILE_COLS];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (int p = 0; p < l->np; p++) {
        __m512i wu[TILE_ROWS];
        __m512 wsc[TILE_ROWS];
        for (int r = 0; r < R; r++) {
            wu[r] = _mm512_load_si512((const void *)(u + r * u_stride + p * 64));
            wsc[r] = _mm512_load_ps(ws + r * ws_stride + p * 16);
        }
        for (int c = 0; c < C; c++) {
            const uint8_t *xr = x + c * x_stride;
            const __m512i xqv = _mm512_load_si512((const void *)(xr + p * 64));
            const __m512 xsv = _mm512_load_ps((const float *)(xr + l->xs_offset) + p * 16);
            for (int r = 0; r < R; r++) {
                const __m512i isum = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wu[r], xqv);
                acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_mul_ps(wsc[r], xsv), acc[r][c]);
            }
        }
    }
    __m512 accm[TILE_ROWS][TILE_COLS];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) accm[r][c] = _mm512_setzero_ps();
    for (int b = 0; b < l->nb16; b += 16) {
        for (int c = 0; c < C; c++) {
            const __m512 sv = _mm512_load_ps((const float *)(x + c * x_stride + l->s_offset) + b);
            for (int r = 0; r < R; r++)
                accm[r][c] = _mm512_fmadd_ps(_mm512_load_ps(m + r * m_stride + b), sv, accm[r][c]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) y[c * ldy + r] = reduce16(acc[r][c]) + reduce16(accm[r][c]);
}

/* One pair of blocks (2p, 2p+1) of a weight row, unpacked into registers: u bytes, lane scales, minimums.
 * A missing second block (odd block count) decodes as zeros. Everything here is exact. */
__attribute__((target(CK_VECTOR_TARGET))) CK_INLINE void
unpack_pair(int type, const uint8_t *row, int p, int nb, __m512i *u, __m512 *scales, float *ma, float *mb) {
    const int block_bytes = type == CK_Q4_0 ? 18 : type == CK_Q4_1 ? 20 : 34;
    const uint8_t *a = row + (size_t)(2 * p) * block_bytes;
    const int has_b = 2 * p + 1 < nb;
    const uint8_t *bb = has_b ? a + block_bytes : ck_zero_block;
    const float da = _cvtsh_ss(ck_load_u16(a)), db = has_b ? _cvtsh_ss(ck_load_u16(bb)) : 0.0f;
    __m512i z;
    if (type == CK_Q8_0) {
        const __m256i qa = _mm256_loadu_si256((const __m256i *)(a + 2));
        const __m256i qb = has_b ? _mm256_loadu_si256((const __m256i *)(bb + 2)) : _mm256_setzero_si256();
        z = _mm512_inserti64x4(_mm512_castsi256_si512(qa), qb, 1);
        z = _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));
        z = _mm512_xor_si512(z, _mm512_set1_epi8((char)0x80));
        *ma = -128.0f * da;
        *mb = -128.0f * db;
    } else {
        const int q_offset = type == CK_Q4_1 ? 4 : 2;
        const __m128i qa = _mm_loadu_si128((const __m128i *)(a + q_offset));
        const __m128i qb = has_b ? _mm_loadu_si128((const __m128i *)(bb + q_offset)) : _mm_setzero_si128();
        const __m256i ab = _mm256_inserti128_si256(_mm256_castsi128_si256(qa), qb, 1);
        z = _mm512_inserti64x4(_mm512_castsi256_si512(ab), _mm256_srli_epi16(ab, 4), 1);
        z = _mm512_and_si512(z, _mm512_set1_epi8(0x0f));
        if (type == CK_Q4_1) {
            *ma = _cvtsh_ss(ck_load_u16(a + 2));
            *mb = has_b ? _cvtsh_ss(ck_load_u16(bb + 2)) : 0.0f;
        } else {
            *ma = -8.0f * da;
            *mb = -8.0f * db;
        }
    }
    if (!has_b) *mb = 0.0f;
    *u = z;
    *scales = _mm512_mask_blend_ps(0xF0F0, _mm512_set1_ps(da), _mm512_set1_ps(db));
}

/* ck_unpack_legacy_row, vectorised (the result is identical: it is all exact). */
__attribute__((target(CK_VECTOR_TARGET))) CK_INLINE void
unpack_row(int type, const uint8_t *row, const ck_q8_layout *l, uint8_t *u, float *ws, float *m) {
    for (int b = l->nb; b < l->nb16; b++) m[b] = 0;
    for (int p = 0; p < l->np; p++) {
        __m512i z;
        __m512 scales;
        float ma, mb;
        unpack_pair(type, row, p, l->nb, &z, &scales, &ma, &mb);
        _mm512_store_si512((void *)(u + p * 64), z);
        _mm512_store_ps(ws + p * 16, scales);
        m[2 * p] = ma;
        if (2 * p + 1 < l->nb16) m[2 * p + 1] = mb;
    }
}

/* Few tokens (decode): unpack each pair in registers and use it at once, with the tile's arithmetic. */
__attribute__((target(CK_VECTOR_TARGET))) CK_INLINE void
row_few(const int C, int type, const uint8_t *row, const ck_q8_layout *l, float *m,
        const uint8_t *x, size_t x_stride, float *y, size_t ldy) {
    __m512 acc[TILE_COLS];
    for (int c = 0; c < C; c++) acc[c] = _mm512_setzero_ps();
    for (int b = l->nb; b < l->nb16; b++) m[b] = 0;
    for (int p = 0; p < l->np; p++) {
        __m512i z;
        __m512 scales;
        float ma, mb;
        unpack_pair(type, row, p, l->nb, &z, &scales, &ma, &mb);
        m[2 * p] = ma;
        if (2 * p + 1 < l->nb16) m[2 * p + 1] = mb;
        for (int c = 0; c < C; c++) {
            const uint8_t *xr = x + c * x_stride;
            const __m512i xqv = _mm512_load_si512((const void *)(xr + p * 64));
            const __m512 xsv = _mm512_load_ps((const float *)(xr + l->xs_offset) + p * 16);
            const __m512i isum = _mm512_dpbusd_epi32(_mm512_setzero_si512(), z, xqv);
            acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_mul_ps(scales, xsv), acc[c]);
        }
    }
    for (int c = 0; c < C; c++) {
        __m512 accm = _mm512_setzero_ps();
        const float *s = (const float *)(x + c * x_stride + l->s_offset);
        for (int b = 0; b < l->nb16; b += 16) accm = _mm512_fmadd_ps(_mm512_load_ps(m + b), _mm512_load_ps(s + b), accm);
        y[c * ldy] = reduce16(acc[c]) + reduce16(accm);
    }
}

#define TILE_CASE(R, C) \
    case (R) * 8 + (C): tile(R, C, &l, u, ws, m, u_stride, ws_stride, m_stride, x, l.row_bytes, out, ldy); break;

__attribute__((target(CK_VECTOR_TARGET)))
void ck_gemm_q8_vector(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                       const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    const size_t u_stride = (size_t)l.np * 64, ws_stride = (size_t)l.np * 16, m_stride = (size_t)l.nb16;
    uint8_t *scratch = ck_scratch(TILE_ROWS * (u_stride + ws_stride * 4 + m_stride * 4));
    uint8_t *u = scratch;
    float *ws = (float *)(scratch + TILE_ROWS * u_stride);
    float *m = ws + TILE_ROWS * ws_stride;
    if (ntok <= 2) {
        for (int r = r0; r < r1; r++) {
            const uint8_t *row = w + (size_t)r * w_stride;
            if (ntok == 1) row_few(1, type, row, &l, m, xq, l.row_bytes, y + r, ldy);
            else row_few(2, type, row, &l, m, xq, l.row_bytes, y + r, ldy);
        }
        return;
    }
    for (int rt = r0; rt < r1; rt += TILE_ROWS) {
        const int R = r1 - rt < TILE_ROWS ? r1 - rt : TILE_ROWS;
        for (int r = 0; r < R; r++)
            unpack_row(type, w + (size_t)(rt + r) * w_stride, &l,
                       u + r * u_stride, ws + r * ws_stride, m + r * m_stride);
        for (int t = 0; t < ntok; t += TILE_COLS) {
            const int C = ntok - t < TILE_COLS ? ntok - t : TILE_COLS;
            const uint8_t *x = xq + (size_t)t * l.row_bytes;
            float *out = y + (size_t)t * ldy + rt;
            switch (R * 8 + C) {
                TILE_CASE(1, 1) TILE_CASE(1, 2) TILE_CASE(1, 3) TILE_CASE(1, 4)
                TILE_CASE(2, 1) TILE_CASE(2, 2) TILE_CASE(2, 3) TILE_CASE(2, 4)
                TILE_CASE(3, 1) TILE_CASE(3, 2) TILE_CASE(3, 3) TILE_CASE(3, 4)
                TILE_CASE(4, 1) TILE_CASE(4, 2) TILE_CASE(4, 3) TILE_CASE(4, 4)
            }
        }
    }
}
