/* F16 weights times float activations for decode-sized batches. Swift widens half vectors well enough inside
 * a token block, but one token at a time it reads F16 at half the bandwidth it reads F32; here each group of
 * four rows is streamed once per token with four independent FMA chains. */
#include "CKernels.h"
#include "internal.h"
#include <immintrin.h>
#include <math.h>

#if defined(__x86_64__)

/* Kernels' reduceHalves: 16 -> 8 -> 4 -> 2 -> 1, halves added pairwise. */
__attribute__((target(CK_VECTOR_TARGET)))
CK_INLINE float reduce_halves(__m512 v) {
    __m256 a = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    return _mm_cvtss_f32(c) + _mm_cvtss_f32(_mm_movehdup_ps(c));
}

/* The k % 16 tail, in order, one fused multiply-add at a time. */
__attribute__((target(CK_VECTOR_TARGET)))
CK_INLINE float tail_dot(const uint16_t *row, const float *x, int body, int k) {
    float tail = 0;
    for (int i = body; i < k; i++) tail = fmaf(ck_half_to_float(row[i]), x[i], tail);
    return tail;
}

__attribute__((target(CK_VECTOR_TARGET)))
CK_INLINE __m512 load_half16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}

__attribute__((target(CK_VECTOR_TARGET)))
void ck_gemv_f16_vector(const void *w, size_t w_stride, int r0, int r1,
                        const float *x, size_t ldx, int ntok, float *y, size_t ldy, int k) {
    const int body = k & ~15;
    const char *base = (const char *)w;
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
        const uint16_t *w0 = (const uint16_t *)(base + (size_t)r * w_stride);
        const uint16_t *w1 = (const uint16_t *)(base + (size_t)(r + 1) * w_stride);
        const uint16_t *w2 = (const uint16_t *)(base + (size_t)(r + 2) * w_stride);
        const uint16_t *w3 = (const uint16_t *)(base + (size_t)(r + 3) * w_stride);
        for (int t = 0; t < ntok; t++) {
            const float *xt = x + (size_t)t * ldx;
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
            __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
            for (int i = 0; i < body; i += 16) {
                __m512 v = _mm512_loadu_ps(xt + i);
                a0 = _mm512_fmadd_ps(load_half16(w0 + i), v, a0);
                a1 = _mm512_fmadd_ps(load_half16(w1 + i), v, a1);
                a2 = _mm512_fmadd_ps(load_half16(w2 + i), v, a2);
                a3 = _mm512_fmadd_ps(load_half16(w3 + i), v, a3);
            }
            float *o = y + (size_t)t * ldy + r;
            o[0] = reduce_halves(a0) + tail_dot(w0, xt, body, k);
            o[1] = reduce_halves(a1) + tail_dot(w1, xt, body, k);
            o[2] = reduce_halves(a2) + tail_dot(w2, xt, body, k);
            o[3] = reduce_halves(a3) + tail_dot(w3, xt, body, k);
        }
    }
    for (; r < r1; r++) {
        const uint16_t *w0 = (const uint16_t *)(base + (size_t)r * w_stride);
        for (int t = 0; t < ntok; t++) {
            const float *xt = x + (size_t)t * ldx;
            __m512 a0 = _mm512_setzero_ps();
            for (int i = 0; i < body; i += 16) a0 = _mm512_fmadd_ps(load_half16(w0 + i), _mm512_loadu_ps(xt + i), a0);
            y[(size_t)t * ldy + r] = reduce_halves(a0) + tail_dot(w0, xt, body, k);
        }
    }
}

#else

void ck_gemv_f16_vector(const void *w, size_t w_stride, int r0, int r1,
                        const float *x, size_t ldx, int ntok, float *y, size_t ldy, int k) {
    (void)w; (void)w_stride; (void)r0; (void)r1; (void)x; (void)ldx; (void)ntok; (void)y; (void)ldy; (void)k;
}

#endif
