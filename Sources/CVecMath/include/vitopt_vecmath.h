/* The constants of vitopt's exp and erf formulas, written once. Every implementation uses these:
 * Graph's Swift `VectorMath.exp` / `VectorMath.erf` (the scalar definitions), CFloatGEMM's scalar
 * reference and SIMD paths (vecmath.c, vecmath_formulas.h) and CDistillKernels' GELU and its
 * derivative. Hexadecimal literals are the exact float values (the decimal forms in the comments).
 *
 * exp(x): clamp x to [EXP_LO, EXP_HI]; n = round(x·log2 e) by adding and subtracting ROUND_MAGIC
 * (1.5·2^23); r = x − n·LN2_HI − n·LN2_LO (Cody–Waite); p = Σ r^k/k! for k = 0…7 by Horner from
 * EXP_C7 down; result p·2^n; below EXP_LO 0, above EXP_HI +inf.
 * erf(x): a = min(|x|, ERF_CLAMP), z = a²; a·P(z)/Q(z) with P, Q of degree 5 (coefficients highest
 * first), clamped to 1, sign of x. */
#ifndef VITOPT_VECMATH_H
#define VITOPT_VECMATH_H

#define VITOPT_EXP_LO (-87.3f)
#define VITOPT_EXP_HI 88.7f
#define VITOPT_ROUND_MAGIC 12582912.0f
#define VITOPT_LOG2E 0x1.715476p+0f       /* 1.44269504 */
#define VITOPT_LN2_HI 0x1.62e4p-1f        /* 0.693145752 */
#define VITOPT_LN2_LO 0x1.7f7d1cp-20f     /* 1.42860677e-06 */
#define VITOPT_EXP_C7 0x1.a01a02p-13f     /* 1/5040 */
#define VITOPT_EXP_C6 0x1.6c16c2p-10f     /* 1/720 */
#define VITOPT_EXP_C5 0x1.111112p-7f      /* 1/120 */
#define VITOPT_EXP_C4 0x1.555556p-5f      /* 1/24 */
#define VITOPT_EXP_C3 0x1.555556p-3f      /* 1/6 */
#define VITOPT_EXP_C2 0.5f
#define VITOPT_EXP_C1 1.0f
#define VITOPT_EXP_C0 1.0f

#define VITOPT_ERF_CLAMP 3.925f
#define VITOPT_ERF_P5 2.0263917e-06f
#define VITOPT_ERF_P4 2.8785653e-04f
#define VITOPT_ERF_P3 3.8958688e-03f
#define VITOPT_ERF_P2 5.3144842e-02f
#define VITOPT_ERF_P1 1.9343801e-01f
#define VITOPT_ERF_P0 1.1283790f
#define VITOPT_ERF_Q5 3.8003920e-05f
#define VITOPT_ERF_Q4 1.1943385e-03f
#define VITOPT_ERF_Q3 1.5227712e-02f
#define VITOPT_ERF_Q2 1.1535885e-01f
#define VITOPT_ERF_Q1 5.0476152e-01f
#define VITOPT_ERF_Q0 1.0f

/* 1/√2, the GELU argument scale. */
#define VITOPT_INV_SQRT2 0.70710677f

#endif
