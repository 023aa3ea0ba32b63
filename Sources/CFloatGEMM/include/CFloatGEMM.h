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

/* The path for a CPU with these features (non-zero: present). The AVX-512 path is compiled for
 * avx512f and avx512dq (vecmath.c uses DQ's 512-bit and/or/andnot and extractf32x8), so it needs
 * both; the AVX2 path needs avx2 and fma. A pure function, so the rule is testable on any CPU. */
int vitopt_sgemm_path_for(int avx512f, int avx512dq, int avx2, int fma);

/* Floats needed to pack an n x k weight. */
long vitopt_sgemm_packed_size(int n, int k);

/* Packs W (n x k, row stride ldw) into `packed` (vitopt_sgemm_packed_size floats). */
void vitopt_sgemm_pack(const float *w, int n, int k, int ldw, float *packed);

/* Packs B given k-major (k x n, row stride ldb: C = A·B rather than A·Wᵀ) into the same panels. */
void vitopt_sgemm_pack_kmajor(const float *b, int n, int k, int ldb, float *packed);

/* Epilogues applied to each finished tile: none, erf-GELU (vitopt_vgelu's formula), or adding a
 * residual matrix of the output's layout (out = (A·Wᵀ + bias) + residual, one fp32 add). */
enum { VITOPT_EPILOGUE_NONE = 0, VITOPT_EPILOGUE_GELU = 1, VITOPT_EPILOGUE_RESIDUAL = 2 };

/* Floats of the packed-A scratch vitopt_sgemm_pack_a writes for `path` (0 when the path reads A as is). */
long vitopt_sgemm_packed_a_size(int path, int m, int k);

/* Packs A (m x k, row stride lda) for `path` into `out` (vitopt_sgemm_packed_a_size floats, 64-byte aligned). */
void vitopt_sgemm_pack_a(int path, int m, int k, const float *a, int lda, float *out);
/* The packed A is made of independent row tiles (0 when the path reads A as is); packing tiles
 * [tile0, tile1) only lets threads share the packing. */
int vitopt_sgemm_a_tiles(int path, int m);
void vitopt_sgemm_pack_a_tiles(int path, int m, int k, const float *a, int lda, float *out, int tile0, int tile1);

/*
 * C[0..m, n0..n1) = A (m x k, row stride lda) * W^T + bias, then the epilogue, for the panels
 * [panel0, panel1) (columns panel*NR ..). bias may be NULL. `path` is one of the enum values
 * (clamped to what the CPU supports). Panels are independent, so threads may split the panel range.
 * A may be given already packed by vitopt_sgemm_pack_a (apacked; NULL packs it here, or for paths
 * that read A directly). `residual` (row stride ldc) is read only for VITOPT_EPILOGUE_RESIDUAL and
 * must not alias c. K is processed in blocks that keep a panel's slice of W in L1; each output is still one
 * fma chain over k ascending starting from the bias, so results do not depend on the blocking.
 */
void vitopt_sgemm_packed_ex(int path, int m, int n, int k, const float *a, int lda, const float *apacked,
                            const float *packed, const float *bias, int epilogue, const float *residual, float *c,
                            int ldc, int panel0, int panel1);

/* One attention head (attention.c): out[t, dh] (row stride ldo) = softmax(scale·Q·Kᵀ)·V with Q, K, V
 * [t, dh] of row stride ld, on the AVX-512 path only (returns 0, doing nothing, for any other path
 * or CPU). `scratch`: vitopt_attention_scratch_size floats, 64-byte aligned. Bit-identical to the
 * unfused GEMM + softmax + GEMM composition on the same path. */
long vitopt_attention_scratch_size(int t, int dh);
int vitopt_attention_head(int path, int t, int dh, const float *q, const float *k, const float *v, int ld, float scale,
                          float *out, int ldo, float *scratch);

/* Elementwise math (vecmath.c), identical on every path: y = exp(x), y = gelu(x) (x and y may alias),
 * and an in-place row softmax (max subtracted, eight-lane sum order of Graph's VectorMath.sum). */
void vitopt_vexp(int path, const float *x, float *y, long n);
void vitopt_vgelu(int path, const float *x, float *y, long n);
void vitopt_vsoftmax_rows(int path, float *x, long rows, long width);
/* The same after x *= scale (one fp32 multiply per element, as a separate pass would do). */
void vitopt_vsoftmax_rows_scaled(int path, float *x, long rows, long width, float scale);
/* The same over rows of stride ld >= width (each row's result is the same as alone). */
void vitopt_vsoftmax_rows_strided(int path, float *x, long rows, long width, long ld, float scale);
/* One LayerNorm row: mean and population variance in the eight-lane sum order, then
 * ((x − mean)·inv)·gamma + beta with inv = 1/sqrt(var + eps); y may equal x (AVX-512 or scalar). */
void vitopt_vlayernorm_row(int path, const float *x, long n, const float *gamma, const float *beta, float eps, float *y);

#ifdef __cplusplus
}
#endif
#endif
