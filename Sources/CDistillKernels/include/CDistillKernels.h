#ifndef VITOPT_CDISTILLKERNELS_H
#define VITOPT_CDISTILLKERNELS_H
/*
 * The small per-(image, head) matrix products of attention (S = Q K^T, O = P V and their backward), for the
 * training engine. Each output element is one fp32 accumulator started at 0 and updated by one fused
 * multiply-add per term in ascending order, then multiplied once by the scale: every path computes the same
 * operations, so the AVX-512 kernels agree with the scalar reference bit for bit.
 */
#ifdef __cplusplus
extern "C" {
#endif

/* Kernel paths, best last. */
enum { VITOPT_ATTN_SCALAR = 0, VITOPT_ATTN_AVX512 = 1 };

/* The best path this CPU supports. */
int vitopt_attn_best_path(void);

/* Floats of scratch vitopt_attn_abt needs for n rows of B with k columns. */
long vitopt_attn_abt_scratch(int n, int k);

/*
 * out[i*ldo + j] = scale * sum_c a[i*lda + c] * b[j*ldb + c]   (i < m, j < n, c < k ascending): A B^T.
 * `scratch` holds vitopt_attn_abt_scratch(n, k) floats (B transposed and zero-padded).
 */
void vitopt_attn_abt(int path, int m, int n, int k, float scale, const float *a, int lda, const float *b, int ldb,
                     float *out, int ldo, float *scratch);

/*
 * out[i*ldo + c] = alpha * sum_j P(i, j) * v[j*ldv + c] (+ out[i*ldo + c] when accumulate is set)   (i < m, c < k,
 * j < n ascending): P V, or P^T V when trans_p is set; P(i, j) is p[i*ldp + j], or p[j*ldp + i] with trans_p.
 * Also the weight gradient of a Linear layer, dW = dY^T X, with a long sum over the batch rows.
 */
void vitopt_attn_ab(int path, int m, int n, int k, float alpha, const float *p, int ldp, int trans_p, const float *v,
                    int ldv, float *out, int ldo, int accumulate);

/*
 * Exact (erf) GELU over n floats: act[i] = 0.5 x (1 + erf(x / sqrt 2)) and, when deriv is not NULL,
 * deriv[i] = 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi). erf is x P(x^2) / Q(x^2) on |x| <= 3.925
 * (degrees 5/5, the coefficients of vitopt's VectorMath.erf, absolute error <= 3e-7), +-1 beyond; exp is a
 * Cody-Waite reduction by ln 2 and a degree-7 polynomial (relative error <= 3 ulp; 0 below -87.3). All in fused
 * multiply-adds; the scalar path performs the same operations. deriv may alias x. (The training softmax is the
 * runtime's, Graph's Softmax.rows.)
 */
void vitopt_gelu(int path, const float *x, float *act, float *deriv, long n);

#ifdef __cplusplus
}
#endif
#endif
