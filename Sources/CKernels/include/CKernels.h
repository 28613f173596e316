#ifndef CKERNELS_H
#define CKERNELS_H
/// Kernels Swift cannot emit (AVX-512 BF16 / VNNI), each with a portable fallback chosen at run time.
int ckernels_cpu_features(void);
#endif
