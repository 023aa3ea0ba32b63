#ifndef VITOPT_CPNG_SHIM_H
#define VITOPT_CPNG_SHIM_H
#include <png.h>
#endif
