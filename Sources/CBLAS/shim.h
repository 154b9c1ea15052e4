// OpenBLAS's CBLAS (Debian: libopenblas-dev). Debian installs cblas.h under the multiarch include dir.
#include <cblas.h>
