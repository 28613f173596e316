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
    for (int rt = r0; rt < r1; rt += TILE_ROWS) {
        const int R = r1 - rt < TILE_ROWS ? r1 - rt : TILE_ROWS;
        for (int r = 0; r < R; r++)
            ck_unpack_legacy_row(type, w + (size_t)(rt + r) * w_stride, &l,
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
