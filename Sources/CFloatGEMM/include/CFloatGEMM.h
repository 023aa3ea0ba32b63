#ifndef VITOPT_CFLOATGEMM_H
#define VITOPT_CFLOATGEMM_H
/*
 * fp32 GEMM against weights packed once: C[m, n] = bias[n] + sum_k A[m, k] * W[n, k]
 * (PyTorch's Linear layout, W is N x K). W is packed into panels of VITOPT_SGEMM_NR columns,
 * k-major inside a panel, N zero-padded to a multiple of the panel width. Accumulation is in fp32,
 * k ascending, one fused multiply-add per term (so every path gives the same sums up to FMA vs
 * mul+add rounding in the scalar reference).
 */
#ifdef __cplusplus
extern "C" {
#endif

#define VITOPT_SGEMM_NR 32

/* Kernel paths, best first. */
enum { VITOPT_SGEMM_SCALAR = 0, VITOPT_SGEMM_AVX2 = 1, VITOPT_SGEMM_AVX512 = 2 };

/* The best path this CPU supports. */
int vitopt_sgemm_best_path(void);

/* Floats needed to pack an n x k weight. */
long vitopt_sgemm_packed_size(int n, int k);

/* Packs W (n x k, row stride ldw) into `packed` (vitopt_sgemm_packed_size floats). */
void vitopt_sgemm_pack(const float *w, int n, int k, int ldw, float *packed);

/*
 * C[0..m, n0..n1) = A (m x k, row stride lda) * W^T + bias, for the panels [panel0, panel1)
 * (columns panel*NR ..). bias may be NULL. `path` is one of the enum values (clamped to what the
 * CPU supports). Panels are independent, so threads may split the panel range.
 */
void vitopt_sgemm_packed(int path, int m, int n, int k, const float *a, int lda, const float *packed,
                         const float *bias, float *c, int ldc, int panel0, int panel1);

#ifdef __cplusplus
}
#endif
#endif
