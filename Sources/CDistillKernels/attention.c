#include "CDistillKernels.h"
#include "vitopt_vecmath.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define ROWS 8   /* output rows per register tile */
#define LANES 16 /* floats per zmm */

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

long vitopt_attn_abt_scratch(int n, int k) { return (long)round_up(n, LANES) * k; }

static int detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return VITOPT_ATTN_AVX512;
#endif
    return VITOPT_ATTN_SCALAR;
}

/* Detected once; a racing first call computes the same value. */
int vitopt_attn_best_path(void) {
    static volatile int best = -1;
    if (best < 0) best = detect();
    return best;
}

/* Scalar references: one fmaf per term, ascending, then one multiply by the scale. */
static void abt_scalar(int m, int n, int k, float scale, const float *a, int lda, const float *b, int ldb, float *out,
                       int ldo) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int c = 0; c < k; c++) s = __builtin_fmaf(a[(long)i * lda + c], b[(long)j * ldb + c], s);
            out[(long)i * ldo + j] = s * scale;
        }
}

static void ab_scalar(int m, int n, int k, float alpha, const float *p, int ldp, int trans_p, const float *v, int ldv,
                      float *out, int ldo, int accumulate) {
    for (int i = 0; i < m; i++)
        for (int c = 0; c < k; c++) {
            float s = 0.0f;
            for (int j = 0; j < n; j++) {
                float pij = trans_p ? p[(long)j * ldp + i] : p[(long)i * ldp + j];
                s = __builtin_fmaf(pij, v[(long)j * ldv + c], s);
            }
            out[(long)i * ldo + c] = accumulate ? s * alpha + out[(long)i * ldo + c] : s * alpha;
        }
}

/* exp(x) for x <= 0 as described in the header (vitopt_gelu's derivative), scalar. */
static float exp_scalar(float x) {
    float xc = x < VITOPT_EXP_LO ? VITOPT_EXP_LO : x;
    float kn = __builtin_fmaf(xc, VITOPT_LOG2E, VITOPT_ROUND_MAGIC);
    float n = kn - VITOPT_ROUND_MAGIC;
    float r = __builtin_fmaf(n, -VITOPT_LN2_HI, xc);
    r = __builtin_fmaf(n, -VITOPT_LN2_LO, r);
    float p = VITOPT_EXP_C7;
    p = __builtin_fmaf(p, r, VITOPT_EXP_C6);
    p = __builtin_fmaf(p, r, VITOPT_EXP_C5);
    p = __builtin_fmaf(p, r, VITOPT_EXP_C4);
    p = __builtin_fmaf(p, r, VITOPT_EXP_C3);
    p = __builtin_fmaf(p, r, 0.5f);
    p = __builtin_fmaf(p, r, 1.0f);
    p = __builtin_fmaf(p, r, 1.0f);
    union { float f; int i; } k = {kn}, sc;
    sc.i = (k.i - 0x4B400000 + 127) << 23;
    return x < VITOPT_EXP_LO ? 0.0f : p * sc.f;
}

static const float ERF_P[6] = {VITOPT_ERF_P5, VITOPT_ERF_P4, VITOPT_ERF_P3, VITOPT_ERF_P2, VITOPT_ERF_P1, VITOPT_ERF_P0};
static const float ERF_Q[6] = {VITOPT_ERF_Q5, VITOPT_ERF_Q4, VITOPT_ERF_Q3, VITOPT_ERF_Q2, VITOPT_ERF_Q1, VITOPT_ERF_Q0};

static void gelu_scalar(const float *x, float *act, float *deriv, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i], u = v * VITOPT_INV_SQRT2;
        float a = __builtin_fabsf(u) < VITOPT_ERF_CLAMP ? __builtin_fabsf(u) : VITOPT_ERF_CLAMP, z = a * a;
        float p = ERF_P[0], q = ERF_Q[0];
        for (int c = 1; c < 6; c++) { p = __builtin_fmaf(p, z, ERF_P[c]); q = __builtin_fmaf(q, z, ERF_Q[c]); }
        float e = a * p / q;
        e = e < 1.0f ? e : 1.0f;
        e = u < 0 ? 0.0f - e : e;
        float cdf = __builtin_fmaf(0.5f, e, 0.5f);
        act[i] = v * cdf;
        if (deriv) deriv[i] = __builtin_fmaf(v * 0.39894228f, exp_scalar(-0.5f * v * v), cdf);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static __m512 exp_avx512(__m512 x) {
    __m512 lo = _mm512_set1_ps(VITOPT_EXP_LO);
    __m512 xc = _mm512_max_ps(x, lo);
    __m512 shifter = _mm512_set1_ps(VITOPT_ROUND_MAGIC);
    __m512 kn = _mm512_fmadd_ps(xc, _mm512_set1_ps(VITOPT_LOG2E), shifter);
    __m512 n = _mm512_sub_ps(kn, shifter);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-VITOPT_LN2_HI), xc);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(-VITOPT_LN2_LO), r);
    __m512 p = _mm512_set1_ps(VITOPT_EXP_C7);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(VITOPT_EXP_C6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(VITOPT_EXP_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(VITOPT_EXP_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(VITOPT_EXP_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(kn), _mm512_set1_epi32(0x4B400000)),
                                                      _mm512_set1_epi32(127)), 23);
    __m512 y = _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
    __mmask16 under = _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ);
    return _mm512_mask_mov_ps(y, under, _mm512_setzero_ps());
}

__attribute__((target("avx512f")))
static void gelu_avx512(const float *x, float *act, float *deriv, long n) {
    for (long i = 0; i < n; i += LANES) {
        long left = n - i;
        __mmask16 mask = left >= LANES ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(mask, x + i), u = _mm512_mul_ps(v, _mm512_set1_ps(VITOPT_INV_SQRT2));
        __m512 a = _mm512_min_ps(_mm512_abs_ps(u), _mm512_set1_ps(VITOPT_ERF_CLAMP)), z = _mm512_mul_ps(a, a);
        __m512 p = _mm512_set1_ps(ERF_P[0]), q = _mm512_set1_ps(ERF_Q[0]);
        for (int c = 1; c < 6; c++) {
            p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(ERF_P[c]));
            q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(ERF_Q[c]));
        }
        __m512 e = _mm512_min_ps(_mm512_div_ps(_mm512_mul_ps(a, p), q), _mm512_set1_ps(1.0f));
        e = _mm512_mask_sub_ps(e, _mm512_cmp_ps_mask(u, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_setzero_ps(), e);
        __m512 cdf = _mm512_fmadd_ps(_mm512_set1_ps(0.5f), e, _mm512_set1_ps(0.5f));
        __m512 y = _mm512_mul_ps(v, cdf);
        if (deriv) {
            __m512 g = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(-0.5f), v), v);
            __m512 d = _mm512_fmadd_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.39894228f)), exp_avx512(g), cdf);
            _mm512_mask_storeu_ps(deriv + i, mask, d);
        }
        _mm512_mask_storeu_ps(act + i, mask, y);
    }
}

/* A B^T: B transposed into scratch (k rows of round_up(n, 16), zero-padded), then tiles of 8 rows x 16 columns,
 * one zmm accumulator per row; rows past m repeat row m-1 and are not stored. */
__attribute__((target("avx512f")))
static void abt_avx512(int m, int n, int k, float scale, const float *a, int lda, const float *b, int ldb, float *out,
                       int ldo, float *bt) {
    int np = round_up(n, LANES);
    for (int c = 0; c < k; c++)
        for (int j = 0; j < np; j++) bt[(long)c * np + j] = j < n ? b[(long)j * ldb + c] : 0.0f;
    __m512 vs = _mm512_set1_ps(scale);
    for (int i0 = 0; i0 < m; i0 += ROWS) {
        const float *row[ROWS];
        for (int r = 0; r < ROWS; r++) row[r] = a + (long)(i0 + r < m ? i0 + r : m - 1) * lda;
        for (int j0 = 0; j0 < np; j0 += LANES) {
            __m512 acc[ROWS];
            for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_ps();
            for (int c = 0; c < k; c++) {
                __m512 bv = _mm512_loadu_ps(bt + (long)c * np + j0);
                for (int r = 0; r < ROWS; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(row[r][c]), bv, acc[r]);
            }
            int cols = n - j0 < LANES ? n - j0 : LANES;
            __mmask16 mask = (__mmask16)((1u << cols) - 1u);
            for (int r = 0; r < ROWS && i0 + r < m; r++)
                _mm512_mask_storeu_ps(out + (long)(i0 + r) * ldo + j0, mask, _mm512_mul_ps(acc[r], vs));
        }
    }
}

/* P V: tiles of 8 rows x 16 columns of V (masked at k), one broadcast of P per row and term. */
__attribute__((target("avx512f")))
static void ab_avx512(int m, int n, int k, float alpha, const float *p, int ldp, int trans_p, const float *v, int ldv,
                      float *out, int ldo, int accumulate) {
    __m512 va = _mm512_set1_ps(alpha);
    long si = trans_p ? 1 : ldp, sj = trans_p ? ldp : 1; /* P(i, j) = p[i*si + j*sj] */
    for (int i0 = 0; i0 < m; i0 += ROWS) {
        const float *prow[ROWS];
        for (int r = 0; r < ROWS; r++) prow[r] = p + (long)(i0 + r < m ? i0 + r : m - 1) * si;
        int c0 = 0;
        /* Two column vectors per row while 32 columns remain (16 accumulators: each V load feeds 8 FMAs, each
         * broadcast 2) — the long sums of a weight gradient re-read V far less. */
        for (; c0 + 2 * LANES <= k; c0 += 2 * LANES) {
            __m512 acc0[ROWS], acc1[ROWS];
            for (int r = 0; r < ROWS; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
            for (int j = 0; j < n; j++) {
                __m512 v0 = _mm512_loadu_ps(v + (long)j * ldv + c0), v1 = _mm512_loadu_ps(v + (long)j * ldv + c0 + LANES);
                for (int r = 0; r < ROWS; r++) {
                    __m512 pr = _mm512_set1_ps(prow[r][j * sj]);
                    acc0[r] = _mm512_fmadd_ps(pr, v0, acc0[r]);
                    acc1[r] = _mm512_fmadd_ps(pr, v1, acc1[r]);
                }
            }
            for (int r = 0; r < ROWS && i0 + r < m; r++) {
                float *o = out + (long)(i0 + r) * ldo + c0;
                __m512 y0 = _mm512_mul_ps(acc0[r], va), y1 = _mm512_mul_ps(acc1[r], va);
                if (accumulate) { y0 = _mm512_add_ps(y0, _mm512_loadu_ps(o)); y1 = _mm512_add_ps(y1, _mm512_loadu_ps(o + LANES)); }
                _mm512_storeu_ps(o, y0);
                _mm512_storeu_ps(o + LANES, y1);
            }
        }
        for (; c0 < k; c0 += LANES) {
            int cols = k - c0 < LANES ? k - c0 : LANES;
            __mmask16 mask = (__mmask16)((1u << cols) - 1u);
            __m512 acc[ROWS];
            for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_ps();
            for (int j = 0; j < n; j++) {
                __m512 vv = _mm512_maskz_loadu_ps(mask, v + (long)j * ldv + c0);
                for (int r = 0; r < ROWS; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(prow[r][j * sj]), vv, acc[r]);
            }
            for (int r = 0; r < ROWS && i0 + r < m; r++) {
                float *o = out + (long)(i0 + r) * ldo + c0;
                __m512 y = _mm512_mul_ps(acc[r], va);
                if (accumulate) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, o));
                _mm512_mask_storeu_ps(o, mask, y);
            }
        }
    }
}
#endif

void vitopt_attn_abt(int path, int m, int n, int k, float scale, const float *a, int lda, const float *b, int ldb,
                     float *out, int ldo, float *scratch) {
    if (m <= 0 || n <= 0) return;
#if defined(__x86_64__)
    if (path >= VITOPT_ATTN_AVX512 && vitopt_attn_best_path() >= VITOPT_ATTN_AVX512 && k > 0) {
        abt_avx512(m, n, k, scale, a, lda, b, ldb, out, ldo, scratch);
        return;
    }
#endif
    (void)scratch;
    abt_scalar(m, n, k, scale, a, lda, b, ldb, out, ldo);
}

void vitopt_attn_ab(int path, int m, int n, int k, float alpha, const float *p, int ldp, int trans_p, const float *v,
                    int ldv, float *out, int ldo, int accumulate) {
    if (m <= 0 || k <= 0) return;
#if defined(__x86_64__)
    if (path >= VITOPT_ATTN_AVX512 && vitopt_attn_best_path() >= VITOPT_ATTN_AVX512) {
        ab_avx512(m, n, k, alpha, p, ldp, trans_p, v, ldv, out, ldo, accumulate);
        return;
    }
#endif
    ab_scalar(m, n, k, alpha, p, ldp, trans_p, v, ldv, out, ldo, accumulate);
}

void vitopt_gelu(int path, const float *x, float *act, float *deriv, long n) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (path >= VITOPT_ATTN_AVX512 && vitopt_attn_best_path() >= VITOPT_ATTN_AVX512) {
        gelu_avx512(x, act, deriv, n);
        return;
    }
#endif
    gelu_scalar(x, act, deriv, n);
}
