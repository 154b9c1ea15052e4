// GNU Scientific Library (Debian: libgsl-dev). CBLAS comes from OpenBLAS, not gslcblas.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>

// GSL_VAR globals are mutable C variables; Swift 6 refuses to read them from nonisolated code.
// These accessors return the (never-modified) robust weighting-function descriptors.
static inline const gsl_multifit_robust_type *cgsl_robust_bisquare(void) { return gsl_multifit_robust_bisquare; }
