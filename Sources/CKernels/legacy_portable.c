/* The portable Q8 kernel: the AVX-512 kernel's arithmetic, lane by lane, in the same order (same bits). */
#include "legacy_blocks.h"
#include <math.h>

#pragma clang fp contract(off)

/* The reduction tree of the vector kernel: halves added pairwise, 16 -> 8 -> 4 -> 2 -> 1. */
static float reduce16(float *a) {
    for (int i = 0; i < 8; i++) a[i] = a[i] + a[i + 8];
    for (int i = 0; i < 4; i++) a[i] = a[i] + a[i + 4];
    for (int i = 0; i < 2; i++) a[i] = a[i] + a[i + 2];
    return a[0] + a[1];
}

void ck_gemm_q8_portable(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                         const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    uint8_t *scratch = ck_scratch((size_t)l.np * 64 + (size_t)l.np * 64 + (size_t)l.nb16 * 4);
    uint8_t *u = scratch;
    float *ws = (float *)(scratch + l.np * 64);
    float *m = ws + l.np * 16;
    for (int r = r0; r < r1; r++) {
        ck_unpack_legacy_row(type, w + (size_t)r * w_stride, &l, u, ws, m);
        for (int t = 0; t < ntok; t++) {
            const uint8_t *xrow = xq + (size_t)t * l.row_bytes;
            const int8_t *q = (const int8_t *)xrow;
            const float *xs = (const float *)(xrow + l.xs_offset);
            const float *s = (const float *)(xrow + l.s_offset);
            float acc[16] = {0}, accm[16] = {0};
            for (int p = 0; p < l.np; p++) {
                for (int lane = 0; lane < 16; lane++) {
                    const int o = p * 64 + lane * 4;
                    int32_t isum = 0;
                    for (int j = 0; j < 4; j++) isum += (int32_t)u[o + j] * (int32_t)q[o + j];
                    const float scale = ws[p * 16 + lane] * xs[p * 16 + lane];
                    acc[lane] = fmaf((float)isum, scale, acc[lane]);
                }
            }
            for (int c = 0; c < l.nb16; c += 16)
                for (int lane = 0; lane < 16; lane++) accm[lane] = fmaf(m[c + lane], s[c + lane], accm[lane]);
            y[(size_t)t * ldy + r] = reduce16(acc) + reduce16(accm);
        }
    }
}
