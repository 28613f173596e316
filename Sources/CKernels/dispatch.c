#include "CKernels.h"
#include "internal.h"
#include <stdlib.h>

int ck_vector_path = -1;
static int detected = -1;

static int detect(void) {
    int features = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        features |= CK_FEATURE_AVX512;
    if (__builtin_cpu_supports("avx512vnni")) features |= CK_FEATURE_AVX512_VNNI;
    if (__builtin_cpu_supports("avx512bf16")) features |= CK_FEATURE_AVX512_BF16;
    if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) features |= CK_FEATURE_F16C_FMA;
#endif
    return features;
}

int ckernels_cpu_features(void) {
    if (detected < 0) detected = detect();
    return detected;
}

static int vector_capable(void) {
    int need = CK_FEATURE_AVX512 | CK_FEATURE_AVX512_VNNI | CK_FEATURE_F16C_FMA;
    return (ckernels_cpu_features() & need) == need;
}

static int use_vector(void) {
    if (ck_vector_path < 0) ck_vector_path = vector_capable() && getenv("ALIGNSCOPE_PORTABLE_KERNELS") == NULL;
    return ck_vector_path;
}

int ckernels_vector_path_active(void) { return use_vector(); }

void ckernels_force_portable(int on) { ck_vector_path = on ? 0 : vector_capable(); }

void *ck_scratch(size_t bytes) {
    static _Thread_local void *buffer;
    static _Thread_local size_t capacity;
    if (bytes > capacity) {
        free(buffer);
        capacity = bytes + bytes / 2 + 4096;
        buffer = aligned_alloc(64, (capacity + 63) & ~(size_t)63);
    }
    return buffer;
}

size_t ck_q8_row_bytes(int k) { return ck_q8_layout_for(k).row_bytes; }
size_t ck_q8k_row_bytes(int k) { return (size_t)(k / 256) * CK_Q8K_BLOCK_BYTES; }

void ck_quantize_q8(const float *x, size_t ldx, int rows, int k, void *out) {
    if (use_vector()) ck_quantize_q8_vector(x, ldx, rows, k, out);
    else ck_quantize_q8_portable(x, ldx, rows, k, out);
}

void ck_gemm_q8(int type, const void *w, size_t w_stride, int r0, int r1,
                const void *xq, int ntok, float *y, size_t ldy, int k) {
    if (use_vector()) ck_gemm_q8_vector(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
    else ck_gemm_q8_portable(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
}

void ck_quantize_q8k(const float *x, size_t ldx, int rows, int k, void *out) {
    if (use_vector()) ck_quantize_q8k_vector(x, ldx, rows, k, out);
    else ck_quantize_q8k_portable(x, ldx, rows, k, out);
}

void ck_gemm_q8k(int type, const void *w, size_t w_stride, int r0, int r1,
                 const void *xq, int ntok, float *y, size_t ldy, int k) {
    if (use_vector()) ck_gemm_q8k_vector(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
    else ck_gemm_q8k_portable(type, w, w_stride, r0, r1, xq, ntok, y, ldy, k);
}
