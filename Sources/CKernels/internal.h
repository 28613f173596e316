/* Shared by the CKernels sources: activation layouts, half floats, the portable/vector function pairs. */
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CK_VECTOR_TARGET "avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma,f16c"
#define CK_INLINE static inline __attribute__((always_inline))

/* Which implementation the dispatchers call: set once from cpuid, overridable by ckernels_force_portable. */
extern int ck_vector_path;

/* Exact IEEE half -> float (no rounding involved, so every implementation agrees). */
CK_INLINE float ck_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { /* subnormal: renormalise */
            exponent = 127 - 15 + 1;
            while ((mantissa & 0x400) == 0) { mantissa <<= 1; exponent--; }
            bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

CK_INLINE uint16_t ck_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/*
 * The 32-value Q8 activation layout of one row of k values (nb = k/32 blocks), every array 64-byte aligned:
 *   qs    int8  [nb * 32]  the quantised values in their natural order
 *   d     float [nb]       per block, the scale dx (value = dx * q)
 *   s     float [nb]       per block, dx * sum(q): what a Q4_1 block's minimum multiplies
 *   c8    int32 [nb]       per block, -8 * sum(q): Q4_0's offset of 8, applied in integers
 *   c128  int32 [nb]       per block, -128 * sum(q): the offset of Q8_0 weights read as unsigned bytes
 * The integer corrections are exact, so a Q4_0/Q8_0 block costs one float operation per (row, token).
 */
typedef struct {
    int nb;
    size_t d_offset, s_offset, c8_offset, c128_offset, row_bytes;
} ck_q8_layout;

CK_INLINE size_t ck_align64(size_t n) { return (n + 63) & ~(size_t)63; }

CK_INLINE ck_q8_layout ck_q8_layout_for(int k) {
    ck_q8_layout l;
    l.nb = k / 32;
    const size_t floats = ck_align64((size_t)l.nb * 4);
    l.d_offset = ck_align64((size_t)l.nb * 32);
    l.s_offset = l.d_offset + floats;
    l.c8_offset = l.s_offset + floats;
    l.c128_offset = l.c8_offset + floats;
    l.row_bytes = l.c128_offset + floats;
    return l;
}

/*
 * The Q8_K activation layout of one row (k a multiple of 256), per super-block of 256 values:
 *   d float, then q int8[256] in natural order, then bsums int16[16] (sums of 16 consecutive q)
 */
#define CK_Q8K_BLOCK_BYTES (4 + 256 + 32)

/* Declarations of the two implementations behind each dispatcher. */
void ck_quantize_q8_portable(const float *x, size_t ldx, int rows, int k, void *out);
void ck_quantize_q8_vector(const float *x, size_t ldx, int rows, int k, void *out);
void ck_gemm_q8_portable(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                         const uint8_t *xq, int ntok, float *y, size_t ldy, int k);
void ck_gemm_q8_vector(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                       const uint8_t *xq, int ntok, float *y, size_t ldy, int k);
void ck_quantize_q8k_portable(const float *x, size_t ldx, int rows, int k, void *out);
void ck_quantize_q8k_vector(const float *x, size_t ldx, int rows, int k, void *out);
void ck_gemm_q8k_portable(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                          const uint8_t *xq, int ntok, float *y, size_t ldy, int k);
void ck_gemm_q8k_vector(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                        const uint8_t *xq, int ntok, float *y, size_t ldy, int k);

/* Per-thread scratch that grows as needed (one matmul at a time per thread). */
void *ck_scratch(size_t bytes);

#endif
