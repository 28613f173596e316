#include "CKernels.h"
int ckernels_cpu_features(void) { return 0; }
