// FLANN's C API (Debian: libflann-dev): randomized k-d forests.
#include <flann/flann.h>
