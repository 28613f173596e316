/* The portable Q8 kernel: the arithmetic of legacy_blocks.h, one (row, token) at a time. The vector kernel
 * performs the same float operations in the same order, so both give identical bits. */
#include "legacy_blocks.h"
#include <math.h>

#pragma clang fp contract(off)

void ck_gemm_q8_portable(int type, const uint8_t *w, size_t w_stride, int r0, int r1,
                         const uint8_t *xq, int ntok, float *y, size_t ldy, int k) {
    const ck_q8_layout l = ck_q8_layout_for(k);
    const int block_bytes = ck_legacy_block_bytes(type);
    const size_t correction = ck_legacy_correction_offset(type, &l);
    uint8_t *u = ck_scratch((size_t)l.nb * 40);
    float *dw = (float *)(u + (size_t)l.nb * 32), *mw = dw + l.nb;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * w_stride;
        for (int b = 0; b < l.nb; b++) ck_unpack_legacy_block(type, row + (size_t)b * block_bytes, u + b * 32, &dw[b], &mw[b]);
        for (int t = 0; t < ntok; t++) {
            const uint8_t *x = xq + (size_t)t * l.row_bytes;
            const int8_t *q = (const int8_t *)x;
            const float *dx = (const float *)(x + l.d_offset), *s = (const float *)(x + l.s_offset);
            const int32_t *c = correction ? (const int32_t *)(x + correction) : NULL;
            float acc = 0;
            for (int b = 0; b < l.nb; b++) {
                int32_t isum = c ? c[b] : 0;
                for (int j = 0; j < 32; j++) isum += (int32_t)u[b * 32 + j] * (int32_t)q[b * 32 + j];
                acc = fmaf((float)isum, dw[b] * dx[b], acc);
                if (type == CK_Q4_1) acc = fmaf(mw[b], s[b], acc);
            }
            y[(size_t)t * ldy + r] = acc;
        }
    }
}
