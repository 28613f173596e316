/* Unpacking ggml's legacy weight blocks (Q4_0, Q4_1, Q8_0) into the form the Q8 kernels multiply.
 *
 * Every legacy block decodes as value = d * u + m with an unsigned byte u: Q4_1 as stored; Q4_0 with u the
 * nibble and m = -8d; Q8_0 with u = q + 128 and m = -128d. So one kernel serves all three: the int8 dot
 * sum(u * q) (vpdpbusd takes exactly unsigned x signed bytes) plus a per-block m * s term. */
#ifndef CKERNELS_LEGACY_BLOCKS_H
#define CKERNELS_LEGACY_BLOCKS_H
#include "internal.h"
#include "CKernels.h"

static const uint8_t ck_zero_block[64] = {0};

/* Writes one row's pair-interleaved u bytes [np*64], lane scales [np*16] and block minimums [nb16]. */
CK_INLINE void ck_unpack_legacy_row(int type, const uint8_t *row, const ck_q8_layout *l,
                                    uint8_t *u, float *ws, float *m) {
    const int block_bytes = type == CK_Q4_0 ? 18 : type == CK_Q4_1 ? 20 : 34;
    for (int b = 0; b < l->nb16; b++) m[b] = 0;
    for (int p = 0; p < l->np; p++) {
        for (int half = 0; half < 2; half++) {
            const int b = 2 * p + half;
            const int present = b < l->nb;
            const uint8_t *block = present ? row + (size_t)b * block_bytes : ck_zero_block;
            uint8_t *dst = u + p * 64 + half * 16;
            float d = 0, min = 0;
            if (type == CK_Q8_0) {
                if (present) d = ck_half_to_float(ck_load_u16(block));
                const uint8_t *q = present ? block + 2 : ck_zero_block;
                for (int j = 0; j < 16; j++) {
                    dst[j] = (uint8_t)(q[j] ^ 0x80);
                    dst[j + 32] = (uint8_t)(q[j + 16] ^ 0x80);
                }
                min = -128.0f * d;
            } else {
                const uint8_t *q = present ? block + (type == CK_Q4_1 ? 4 : 2) : ck_zero_block;
                if (present) d = ck_half_to_float(ck_load_u16(block));
                if (present && type == CK_Q4_1) min = ck_half_to_float(ck_load_u16(block + 2));
                else min = -8.0f * d;
                for (int j = 0; j < 16; j++) {
                    dst[j] = q[j] & 0x0f;
                    dst[j + 32] = q[j] >> 4;
                }
            }
            float *lanes = ws + p * 16 + half * 4;
            for (int j = 0; j < 4; j++) { lanes[j] = d; lanes[j + 8] = d; }
            if (present) m[b] = min;
        }
    }
}
#endif
