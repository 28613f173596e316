/* Quantising activation rows to the kernels' Q8 layouts. One source, compiled twice (portable and AVX-512):
 * every step is exact or a single IEEE operation, so both builds produce identical bytes. */
#include "CKernels.h"
#include "internal.h"
#include <math.h>
#include <immintrin.h>

#pragma clang fp contract(off)

CK_INLINE void quantize_q8_rows(const float *x, size_t ldx, int rows, int k, void *out) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    for (int row = 0; row < rows; row++) {
        const float *xr = x + (size_t)row * ldx;
        uint8_t *base = (uint8_t *)out + (size_t)row * l.row_bytes;
        int8_t *qs = (int8_t *)base;
        float *ds = (float *)(base + l.d_offset), *s = (float *)(base + l.s_offset);
        int32_t *c8 = (int32_t *)(base + l.c8_offset), *c128 = (int32_t *)(base + l.c128_offset);
        for (int b = 0; b < l.nb; b++) {
            const float *v = xr + b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(v[j]));
            const float d = amax / 127.0f;
            const float id = d != 0 ? 1.0f / d : 0.0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                const int8_t q = (int8_t)nearbyintf(v[j] * id);
                qs[b * 32 + j] = q;
                sum += q;
            }
            ds[b] = d;
            s[b] = d * (float)sum;
            c8[b] = -8 * sum;
            c128[b] = -128 * sum;
        }
    }
}

CK_INLINE void quantize_q8k_rows(const float *x, size_t ldx, int rows, int k, void *out) {
    const int nb = k / 256;
    for (int row = 0; row < rows; row++) {
        const float *xr = x + (size_t)row * ldx;
        uint8_t *block = (uint8_t *)out + (size_t)row * nb * CK_Q8K_BLOCK_BYTES;
        for (int b = 0; b < nb; b++, block += CK_Q8K_BLOCK_BYTES) {
            const float *v = xr + b * 256;
            float amax = 0;
            for (int j = 0; j < 256; j++) amax = fmaxf(amax, fabsf(v[j]));
            const float d = amax / 127.0f;
            const float id = d != 0 ? 1.0f / d : 0.0f;
            int8_t *q = (int8_t *)(block + 4);
            int16_t sums[16];
            for (int j = 0; j < 256; j++) q[j] = (int8_t)nearbyintf(v[j] * id);
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) sum += q[g * 16 + j];
                sums[g] = (int16_t)sum;
            }
            memcpy(block, &d, 4);
            memcpy(block + 260, sums, 32);
        }
    }
}

void ck_quantize_q8_portable(const float *x, size_t ldx, int rows, int k, void *out) {
    quantize_q8_rows(x, ldx, rows, k, out);
}

/* The same steps on 16 lanes: the maximum is exact in any order, the product and the round-to-nearest-even
 * conversion are single IEEE operations, and the sum is in integers. */
__attribute__((target(CK_VECTOR_TARGET)))
void ck_quantize_q8_vector(const float *x, size_t ldx, int rows, int k, void *out) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    for (int row = 0; row < rows; row++) {
        const float *xr = x + (size_t)row * ldx;
        uint8_t *base = (uint8_t *)out + (size_t)row * l.row_bytes;
        float *ds = (float *)(base + l.d_offset), *s = (float *)(base + l.s_offset);
        int32_t *c8 = (int32_t *)(base + l.c8_offset), *c128 = (int32_t *)(base + l.c128_offset);
        for (int b = 0; b < l.nb; b++) {
            const __m512 v0 = _mm512_loadu_ps(xr + b * 32), v1 = _mm512_loadu_ps(xr + b * 32 + 16);
            const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
            const float d = amax / 127.0f;
            const float id = d != 0 ? 1.0f / d : 0.0f;
            const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, _mm512_set1_ps(id)));
            const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, _mm512_set1_ps(id)));
            _mm_storeu_si128((__m128i *)(base + b * 32), _mm512_cvtepi32_epi8(q0));
            _mm_storeu_si128((__m128i *)(base + b * 32 + 16), _mm512_cvtepi32_epi8(q1));
            const int sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
            ds[b] = d;
            s[b] = d * (float)sum;
            c8[b] = -8 * sum;
            c128[b] = -128 * sum;
        }
    }
}

void ck_quantize_q8k_portable(const float *x, size_t ldx, int rows, int k, void *out) {
    quantize_q8k_rows(x, ldx, rows, k, out);
}

__attribute__((target(CK_VECTOR_TARGET)))
void ck_quantize_q8k_vector(const float *x, size_t ldx, int rows, int k, void *out) {
    quantize_q8k_rows(x, ldx, rows, k, out);
}

/* ---- ggml Q8_0 weight blocks, for `quant=q8_0` on load ---- */

/* float -> IEEE half, round to nearest even (what F16C's vcvtps2ph and ggml do). */
static uint16_t half_from_float(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000;
    const uint32_t abs = x & 0x7fffffff;
    if (abs >= 0x7f800000) return (uint16_t)(sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
    if (abs >= 0x477ff000) return (uint16_t)(sign | 0x7c00); /* rounds to infinity */
    if (abs < 0x38800000) { /* half subnormal or zero */
        if (abs < 0x33000000) return (uint16_t)sign;
        const uint32_t mantissa = (abs & 0x7fffff) | 0x800000;
        const int shift = 126 - (int)(abs >> 23); /* 14 ... 24 */
        const uint32_t rest = mantissa & ((1u << shift) - 1);
        const uint32_t halfway = 1u << (shift - 1);
        uint32_t result = mantissa >> shift;
        if (rest > halfway || (rest == halfway && (result & 1))) result++;
        return (uint16_t)(sign | result);
    }
    uint32_t result = ((abs >> 13) - (112u << 10));
    const uint32_t rest = abs & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (result & 1))) result++;
    return (uint16_t)(sign | result);
}

void ck_quantize_row_q8_0(const float *x, void *out, int k) {
    uint8_t *block = out;
    for (int b = 0; b < k / 32; b++, block += 34) {
        const float *v = x + b * 32;
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(v[j]));
        const float d = amax / 127.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        const uint16_t h = half_from_float(d);
        memcpy(block, &h, 2);
        for (int j = 0; j < 32; j++) block[2 + j] = (uint8_t)(int8_t)roundf(v[j] * id);
    }
}
