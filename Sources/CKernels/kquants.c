/* K-quant weights (Q4_K, Q6_K) against Q8_K activations. Sub-block scales are integers, so a super-block's
 * dot product is accumulated exactly in int32 and scaled once: the float part is two operations per 256
 * values. One source compiled twice (portable, AVX-512): the compiler vectorises the integer loops only,
 * so both builds give identical bits. */
#include "internal.h"
#include "CKernels.h"
#include <math.h>

#pragma clang fp contract(off)

/* One super-block unpacked: unsigned quants, 16-value-group scales and (Q4_K) 32-value-group minimums. */
typedef struct {
    uint8_t q[256];
    int16_t scale16[16]; /* per 16 values (Q4_K repeats each 32-group scale twice) */
    int16_t min16[16];   /* per 16 values (Q4_K), zero for Q6_K */
    float d, dmin;
} unpacked_block;

CK_INLINE void scale_min_k4(int j, const uint8_t *s, uint8_t *scale, uint8_t *min) {
    if (j < 4) {
        *scale = s[j] & 63;
        *min = s[j + 4] & 63;
    } else {
        *scale = (uint8_t)((s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4));
        *min = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

CK_INLINE void unpack_q4k(const uint8_t *block, unpacked_block *out) {
    out->d = ck_half_to_float(ck_load_u16(block));
    out->dmin = ck_half_to_float(ck_load_u16(block + 2));
    const uint8_t *scales = block + 4, *qs = block + 16;
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 32; i++) {
            out->q[64 * j + i] = qs[32 * j + i] & 0xf;
            out->q[64 * j + 32 + i] = qs[32 * j + i] >> 4;
        }
    for (int g = 0; g < 8; g++) {
        uint8_t sc, mn;
        scale_min_k4(g, scales, &sc, &mn);
        out->scale16[2 * g] = out->scale16[2 * g + 1] = sc;
        out->min16[2 * g] = out->min16[2 * g + 1] = mn;
    }
}

/* Q6_K stores q6 - 32; we keep q6 (0..63) unsigned and subtract 32 * sum(x) per group instead. */
CK_INLINE void unpack_q6k(const uint8_t *block, unpacked_block *out) {
    const uint8_t *ql = block, *qh = block + 128;
    const int8_t *sc = (const int8_t *)(block + 192);
    out->d = ck_half_to_float(ck_load_u16(block + 208));
    out->dmin = 0;
    for (int half = 0; half < 2; half++) {
        const uint8_t *l = ql + 64 * half, *h = qh + 32 * half;
        uint8_t *q = out->q + 128 * half;
        for (int i = 0; i < 32; i++) {
            q[i] = (uint8_t)((l[i] & 0xf) | (((h[i] >> 0) & 3) << 4));
            q[i + 32] = (uint8_t)((l[i + 32] & 0xf) | (((h[i] >> 2) & 3) << 4));
            q[i + 64] = (uint8_t)((l[i] >> 4) | (((h[i] >> 4) & 3) << 4));
            q[i + 96] = (uint8_t)((l[i + 32] >> 4) | (((h[i] >> 6) & 3) << 4));
        }
    }
    for (int g = 0; g < 16; g++) {
        out->scale16[g] = sc[g];
        out->min16[g] = (int16_t)(32 * sc[g]); /* value = d*sc*(q - 32): the "minimum" is 32*sc per unit d */
    }
}

CK_INLINE void gemm_q8k(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                        const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    const int nb = k / 256;
    const int block_bytes = type == CK_Q4_K ? 144 : 210;
    unpacked_block *row = ck_scratch(sizeof(unpacked_block) * (size_t)nb);
    for (int r = r0; r < r1; r++) {
        const uint8_t *wr = w + (size_t)r * w_stride;
        for (int b = 0; b < nb; b++) {
            if (type == CK_Q4_K) unpack_q4k(wr + (size_t)b * block_bytes, &row[b]);
            else unpack_q6k(wr + (size_t)b * block_bytes, &row[b]);
        }
        for (int t = 0; t < ntok; t++) {
            const uint8_t *xb = xq + (size_t)t * nb * CK_Q8K_BLOCK_BYTES;
            float acc = 0;
            for (int b = 0; b < nb; b++, xb += CK_Q8K_BLOCK_BYTES) {
                float dx;
                memcpy(&dx, xb, 4);
                const int8_t *q = (const int8_t *)(xb + 4);
                int16_t bsums[16];
                memcpy(bsums, xb + 260, 32);
                const unpacked_block *wb = &row[b];
                int32_t sumi = 0, summ = 0;
                for (int g = 0; g < 16; g++) {
                    int32_t dot = 0;
                    for (int i = 0; i < 16; i++) dot += (int32_t)wb->q[16 * g + i] * (int32_t)q[16 * g + i];
                    sumi += wb->scale16[g] * dot;
                    summ += wb->min16[g] * (int32_t)bsums[g];
                }
                if (type == CK_Q4_K) {
                    acc = fmaf(wb->d * dx, (float)sumi, acc);
                    acc = fmaf(-(wb->dmin * dx), (float)summ, acc);
                } else {
                    acc = fmaf(wb->d * dx, (float)(sumi - summ), acc);
                }
            }
            y[(size_t)t * ldy + r] = acc;
        }
    }
}

void ck_gemm_q8k_portable(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                          const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    gemm_q8k(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
}

__attribute__((target(CK_VECTOR_TARGET)))
void ck_gemm_q8k_vector(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                        const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    gemm_q8k(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
}
