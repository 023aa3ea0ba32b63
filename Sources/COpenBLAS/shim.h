#ifndef VITOPT_COPENBLAS_SHIM_H
#define VITOPT_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
