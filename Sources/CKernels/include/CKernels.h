#ifndef CKERNELS_H
#define CKERNELS_H

/*
 * The few kernels Swift cannot emit well: int8 dot products (AVX-512 VNNI `vpdpbusd`) over ggml's quantised
 * weight blocks. Every entry point dispatches at run time (cpuid) between an AVX-512 implementation and a
 * portable one that performs the same arithmetic in the same order, so both give identical bits.
 *
 * Activation rows are quantised once per matmul into the "Q8 activation" layouts below (not ggml's: they are
 * laid out for these kernels), then multiplied against weights read in place from the memory map.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPU dispatch ---------------------------------------------------------------------------------------- */

enum {
    CK_FEATURE_AVX512 = 1,       /* AVX-512 F, BW, VL, DQ */
    CK_FEATURE_AVX512_VNNI = 2,  /* vpdpbusd */
    CK_FEATURE_AVX512_BF16 = 4,  /* vdpbf16ps */
    CK_FEATURE_F16C_FMA = 8,
};

/* The features this CPU has (bit set of CK_FEATURE_*). */
int ckernels_cpu_features(void);

/* 1 when the dispatching entry points run the AVX-512 VNNI implementations, 0 for the portable ones. */
int ckernels_vector_path_active(void);

/* Forces the portable implementations (1) or restores the best available (0). For tests and benchmarks. */
void ckernels_force_portable(int on);

static inline void ck_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* ---- Legacy blocks (Q4_0, Q4_1, Q8_0) against 32-element Q8 activations ------------------------------------ */

/* ggml type numbers the kernels accept. */
enum { CK_Q4_0 = 2, CK_Q4_1 = 3, CK_Q8_0 = 8, CK_Q4_K = 12, CK_Q6_K = 14 };

/* Bytes one activation row of `k` values (k a multiple of 32) takes in the Q8 layout of 32-value blocks. */
size_t ck_q8_row_bytes(int k);

/* Quantises `rows` rows of `k` floats (row stride `ldx` floats) to the 32-value Q8 layout, row stride
 * ck_q8_row_bytes(k). */
void ck_quantize_q8(const float *x, size_t ldx, int rows, int k, void *out);

/* y[t * ldy + r] = dot(W row r, x row t) for r in [r0, r1), t in [0, ntok).
 * `w` points at row 0 of a Q4_0/Q4_1/Q8_0 matrix whose rows are `w_stride` bytes apart; `xq` holds `ntok`
 * rows quantised by ck_quantize_q8. k is a multiple of 32. */
void ck_gemm_q8(int type, const void *w, size_t w_stride, int r0, int r1,
                const void *xq, int ntok, float *y, size_t ldy, int k);

/* ---- K-quants (Q4_K, Q6_K) against 256-element Q8_K activations -------------------------------------------- */

/* Bytes one activation row of `k` values (k a multiple of 256) takes in the Q8_K layout. */
size_t ck_q8k_row_bytes(int k);
void ck_quantize_q8k(const float *x, size_t ldx, int rows, int k, void *out);
void ck_gemm_q8k(int type, const void *w, size_t w_stride, int r0, int r1,
                 const void *xq, int ntok, float *y, size_t ldy, int k);

/* ---- Half-precision weights against float activations, for a few tokens (decode) ---------------------------- */

/* y[t * ldy + r] = dot(W row r, x row t) for r in [r0, r1), t in [0, ntok): `w` points at row 0 of an F16
 * matrix whose rows are `w_stride` bytes apart; x rows are `ldx` floats apart. The arithmetic is Kernels'
 * floatTiles' (16 lane-partial FMA sums over k in steps of 16, the halving reduction, then the k % 16 tail in
 * order), so results are the same bits as the Swift path. AVX-512 only: call when
 * ckernels_vector_path_active(); the Swift path is the portable one. */
void ck_gemv_f16_vector(const void *w, size_t w_stride, int r0, int r1,
                        const float *x, size_t ldx, int ntok, float *y, size_t ldy, int k);

/* ---- Weight quantisation on load ----------------------------------------------------------------------------- */

/* Quantises `k` floats (k a multiple of 32) to ggml Q8_0 blocks exactly as ggml's quantize_row_q8_0_ref. */
void ck_quantize_row_q8_0(const float *x, void *out, int k);

#ifdef __cplusplus
}
#endif
#endif
