/* Shared between the dispatch code and the per-ISA kernels. */
#ifndef VITOPT_CBF16GEMM_INTERNAL_H
#define VITOPT_CBF16GEMM_INTERNAL_H
#include "include/CBF16GEMM.h"

/* Arguments common to every kernel, for the panels [p0, p1). */
typedef struct {
    int m, n, k, kp;
    const uint16_t *a; int lda;
    const uint16_t *packed;
    const float *bias;     /* NULL or n floats */
    int epilogue;
    const float *residual; /* [m][ldc], read for VITOPT_BF16_EPILOGUE_RESIDUAL only */
    float *c; int ldc;
    int p0, p1;
} vitopt_bf16_args;

/* bf16 elements of one packed panel. */
static inline size_t vitopt_bf16_panel_count(int kp) { return (size_t)kp * VITOPT_BF16_NR; }

/* The epilogue on a finished rows × cols block of C at (r0, col0): GELU (vitopt_vgelu), or + residual. */
void vitopt_bf16_epilogue(const vitopt_bf16_args *g, int r0, int rows, int col0, int cols);

void vitopt_bf16_gemm_scalar(const vitopt_bf16_args *g);
void vitopt_bf16_gemm_avx2(const vitopt_bf16_args *g);
void vitopt_bf16_gemm_avx512bf16(const vitopt_bf16_args *g);
void vitopt_bf16_gemm_avx512(const vitopt_bf16_args *g);
void vitopt_bf16_convert_row_avx512bf16(const float *x, int k, uint16_t *a);
void vitopt_bf16_gemm_amx(const vitopt_bf16_args *g);
/* Runs `kernel` on a small product with every tail and compares it with the scalar reference within
 * vitopt_bf16_amx_bound: 1 when it agrees. */
int vitopt_bf16_amx_self_check(void (*kernel)(const vitopt_bf16_args *));
#endif
