// CBLAS declarations. The implementation is OpenBLAS (Debian: libopenblas-dev, linked as "openblas").
// GSL's gsl_cblas.h is the header: the CGSL module includes it too (through gsl_blas.h), and one
// shared header keeps the two modules' CBLAS types identical when both are imported.
#include <gsl/gsl_cblas.h>

// OpenBLAS's own thread control (not in CBLAS): samkit sets one thread at start (`BLASThreads`).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
