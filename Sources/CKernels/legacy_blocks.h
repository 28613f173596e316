/* ggml's legacy weight blocks (Q4_0, Q4_1, Q8_0) as the Q8 kernels multiply them, and the arithmetic both
 * implementations share.
 *
 * Every legacy block decodes as value = d * u + m with an unsigned byte u: Q4_1 as stored; Q4_0 with u the
 * nibble and m = -8d; Q8_0 with u = q + 128 and m = -128d. vpdpbusd takes exactly unsigned x signed bytes, so
 * one integer dot product serves all three. For Q4_0 and Q8_0 the offset folds into the integers (the
 * activation row carries -8 sum(q) and -128 sum(q)); Q4_1's minimum is a float and costs a second operation.
 *
 * The result for weight row r and token t, whatever the implementation, tile or thread:
 *     acc = 0
 *     for each block b, in order:
 *         isum = sum_j u[b][j] * q[b][j]  (+ c8[b] for Q4_0, + c128[b] for Q8_0)      -- exact integers
 *         acc  = fma((float)isum, dw[b] * dx[b], acc)
 *         acc  = fma(m[b], s[b], acc)                                                 -- Q4_1 only
 *     y[t][r] = acc
 */
#ifndef CKERNELS_LEGACY_BLOCKS_H
#define CKERNELS_LEGACY_BLOCKS_H
#include "internal.h"
#include "CKernels.h"

CK_INLINE int ck_legacy_block_bytes(int type) { return type == CK_Q4_0 ? 18 : type == CK_Q4_1 ? 20 : 34; }

/* Offset of the block's integer correction in a Q8 activation row (0: none, Q4_1). */
CK_INLINE size_t ck_legacy_correction_offset(int type, const ck_q8_layout *l) {
    return type == CK_Q4_0 ? l->c8_offset : type == CK_Q8_0 ? l->c128_offset : 0;
}

/* Block b of a weight row: its 32 u bytes in natural order, its scale and (Q4_1) minimum. */
CK_INLINE void ck_unpack_legacy_block(int type, const uint8_t *block, uint8_t *u, float *d, float *m) {
    *d = ck_half_to_float(ck_load_u16(block));
    *m = type == CK_Q4_1 ? ck_half_to_float(ck_load_u16(block + 2)) : 0.0f;
    if (type == CK_Q8_0) {
        for (int j = 0; j < 32; j++) u[j] = (uint8_t)(block[2 + j] ^ 0x80);
    } else {
        const uint8_t *q = block + (type == CK_Q4_1 ? 4 : 2);
        for (int j = 0; j < 16; j++) {
            u[j] = q[j] & 0x0f;
            u[j + 16] = q[j] >> 4;
        }
    }
}
#endif
