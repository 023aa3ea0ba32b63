/*
 * Elementwise fp32 math for the executor: exp, erf-GELU and row softmax, with AVX-512 and AVX2 paths
 * chosen at run time and a scalar reference. Every path performs the same IEEE operations in the
 * same order (separate multiplies and adds, no contraction), so all paths agree bit for bit with the
 * scalar code and with Graph's Swift `VectorMath.exp` / `VectorMath.erf`, which define the formulas:
 *   exp: clamp to [-87.3, 88.7], n = round(x·log2 e) by the 1.5·2^23 trick, r = x − n·ln2 (two parts),
 *        degree-7 Taylor polynomial times 2^n; x < −87.3 gives 0, x > 88.7 gives +inf.
 *   erf: x·P(x²)/Q(x²) on |x| ≤ 3.925 (degrees 5/5), clamped to ±1.
 * min/max follow Swift's `Swift.min(a, b) = b < a ? b : a` (so NaN inputs propagate the same way).
 */
#pragma STDC FP_CONTRACT OFF
#include "CFloatGEMM.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "vitopt_vecmath.h"
#define EXP_LO VITOPT_EXP_LO
#define EXP_HI VITOPT_EXP_HI
#define ROUND_MAGIC VITOPT_ROUND_MAGIC
#define ERF_CLAMP VITOPT_ERF_CLAMP

/* ---- scalar reference ---- */

static inline float smin(float a, float b) { return b < a ? b : a; }
static inline float smax(float a, float b) { return b > a ? b : a; }

static inline float bits_to_float(unsigned u) { float f; memcpy(&f, &u, 4); return f; }
static inline unsigned float_to_bits(float f) { unsigned u; memcpy(&u, &f, 4); return u; }

static float exp_scalar(float x) {
    float xc = smin(smax(x, EXP_LO), EXP_HI);
    float kn = xc * VITOPT_LOG2E;
    kn = kn + ROUND_MAGIC;
    float n = kn - ROUND_MAGIC;
    float r = xc - n * VITOPT_LN2_HI;
    r = r - n * VITOPT_LN2_LO;
    float p = VITOPT_EXP_C7;
    p = p * r + VITOPT_EXP_C6;
    p = p * r + VITOPT_EXP_C5;
    p = p * r + VITOPT_EXP_C4;
    p = p * r + VITOPT_EXP_C3;
    p = p * r + VITOPT_EXP_C2;
    p = p * r + VITOPT_EXP_C1;
    p = p * r + VITOPT_EXP_C0;
    float scaled = p * bits_to_float((float_to_bits(kn) - 0x4B400000u + 127u) << 23);
    return x < EXP_LO ? 0.0f : (x > EXP_HI ? __builtin_inff() : scaled);
}

static float erf_scalar(float x) {
    float a = smin(__builtin_fabsf(x), ERF_CLAMP);
    float z = a * a;
    float p = VITOPT_ERF_P5;
    p = p * z + VITOPT_ERF_P4;
    p = p * z + VITOPT_ERF_P3;
    p = p * z + VITOPT_ERF_P2;
    p = p * z + VITOPT_ERF_P1;
    p = p * z + VITOPT_ERF_P0;
    float q = VITOPT_ERF_Q5;
    q = q * z + VITOPT_ERF_Q4;
    q = q * z + VITOPT_ERF_Q3;
    q = q * z + VITOPT_ERF_Q2;
    q = q * z + VITOPT_ERF_Q1;
    q = q * z + VITOPT_ERF_Q0;
    float m = smin(a * p / q, 1.0f);
    return bits_to_float(float_to_bits(m) | (float_to_bits(x) & 0x80000000u));
}

static inline float gelu_scalar(float v) { return 0.5f * v * (1.0f + erf_scalar(v * VITOPT_INV_SQRT2)); }

/* Swift `VectorMath.sum`'s order: eight interleaved partial sums, combined pairwise, then the tail. */
static float sum8_scalar(const float *x, long n) {
    float p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) p[j] = p[j] + x[i + j];
    float s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; i < n; i++) s = s + x[i];
    return s;
}

/* LayerNorm of one row, Graph's LayerNormKernel.normalizeRow: mean and population variance in
 * VectorMath.sum's eight-lane order, then ((x − mean)·inv)·gamma + beta. */
static void layernorm_row_scalar(const float *x, long n, const float *g, const float *b, float eps, float *y) {
    float mean = sum8_scalar(x, n) / (float)n;
    float p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) { float d = x[i + j] - mean; p[j] = p[j] + d * d; }
    float ss = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; i < n; i++) { float d = x[i] - mean; ss = ss + d * d; }
    float inv = 1.0f / __builtin_sqrtf(ss / (float)n + eps);
    for (i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * g[i] + b[i];
}

static void softmax_row_scalar(float *row, long n, float scale) {
    float m = -__builtin_inff();
    if (scale != 1.0f) for (long i = 0; i < n; i++) row[i] = row[i] * scale;
    for (long i = 0; i < n; i++) m = row[i] > m ? row[i] : m;
    for (long i = 0; i < n; i++) row[i] = exp_scalar(row[i] - m);
    float inv = 1.0f / sum8_scalar(row, n);
    for (long i = 0; i < n; i++) row[i] = row[i] * inv;
}

#if defined(__x86_64__)
/* ---- AVX-512 ---- */
#define T512 __attribute__((target("avx512f,avx512dq")))

/* exp16 / gelu16 from the shared formula template. */
#define VF __m512
#define VI __m512i
#define VATTR T512
#define VNAME(n) n##16
#define VSET1(c) _mm512_set1_ps(c)
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VMIN _mm512_min_ps
#define VMAX _mm512_max_ps
#define VAND _mm512_and_ps
#define VOR _mm512_or_ps
#define VANDNOT _mm512_andnot_ps
#define VCASTI _mm512_castps_si512
#define VCASTF _mm512_castsi512_ps
#define VISET1 _mm512_set1_epi32
#define VIADD _mm512_add_epi32
#define VISUB _mm512_sub_epi32
#define VISLL _mm512_slli_epi32
#define VSELECT_GT(x, c, v, y) _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, c, _CMP_GT_OQ), v)
#define VSELECT_LT(x, c, v, y) _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, c, _CMP_LT_OQ), v)
#include "vecmath_formulas.h"

T512 static void exp_avx512(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, exp16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, k, exp16(_mm512_maskz_loadu_ps(k, x + i)));
    }
}

T512 static void gelu_avx512(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, gelu16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, k, gelu16(_mm512_maskz_loadu_ps(k, x + i)));
    }
}

/* The AVX-512 softmax of a row in three passes: scale (when not 1) and max; exp(x − max) and its
 * eight-lane sum; multiply by 1/sum. `softmax_rows_avx512` runs each pass over a block of rows before the
 * next, so the rows' max and sum chains overlap instead of each row waiting on its own (the arithmetic of
 * every row is unchanged). */
T512 static float softmax_pass_max_avx512(float *row, long n, float scale) {
    __m512 mv = _mm512_set1_ps(-__builtin_inff()), sv = _mm512_set1_ps(scale);
    long i = 0;
    if (scale != 1.0f) {
        for (; i + 16 <= n; i += 16) {
            __m512 v = _mm512_mul_ps(_mm512_loadu_ps(row + i), sv);
            _mm512_storeu_ps(row + i, v);
            mv = _mm512_max_ps(v, mv);
        }
        for (long j = i; j < n; j++) row[j] = row[j] * scale;
    } else {
        for (; i + 16 <= n; i += 16) mv = _mm512_max_ps(_mm512_loadu_ps(row + i), mv);
    }
    float m = _mm512_reduce_max_ps(mv);
    for (; i < n; i++) m = row[i] > m ? row[i] : m;
    return m;
}

T512 static float softmax_pass_exp_avx512(float *row, long n, float m) {
    __m512 ms = _mm512_set1_ps(m);
    __m256 acc = _mm256_setzero_ps();
    long i;
    for (i = 0; i + 16 <= n; i += 16) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i), ms));
        _mm512_storeu_ps(row + i, e);
        acc = _mm256_add_ps(acc, _mm512_castps512_ps256(e));
        acc = _mm256_add_ps(acc, _mm512_extractf32x8_ps(e, 1));
    }
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + i), ms));
        _mm512_mask_storeu_ps(row + i, k, e);
        if (n - i >= 8) { acc = _mm256_add_ps(acc, _mm512_castps512_ps256(e)); i += 8; }
    }
    float p[8];
    _mm256_storeu_ps(p, acc);
    float s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; i < n; i++) s = s + row[i];
    return s;
}

T512 static void softmax_pass_scale_avx512(float *row, long n, float sum) {
    __m512 inv = _mm512_set1_ps(1.0f / sum);
    long i;
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(row + i, _mm512_mul_ps(_mm512_loadu_ps(row + i), inv));
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(row + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, row + i), inv));
    }
}

/* Rows of stride ld, in blocks of up to 16 rows per pass. */
T512 static void softmax_rows_avx512(float *x, long rows, long n, long ld, float scale) {
    float v[16];
    for (long r0 = 0; r0 < rows; r0 += 16) {
        const long nr = rows - r0 < 16 ? rows - r0 : 16;
        for (long r = 0; r < nr; r++) v[r] = softmax_pass_max_avx512(x + (r0 + r) * ld, n, scale);
        for (long r = 0; r < nr; r++) v[r] = softmax_pass_exp_avx512(x + (r0 + r) * ld, n, v[r]);
        for (long r = 0; r < nr; r++) softmax_pass_scale_avx512(x + (r0 + r) * ld, n, v[r]);
    }
}

/* Eight-lane partial sums of x (or of (x − c)² with `squares`), the order of sum8_scalar. */
T512 static float sum8_avx512(const float *x, long n, int squares, float c) {
    __m256 acc = _mm256_setzero_ps();
    const __m256 cv = _mm256_set1_ps(c);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        if (squares) { v = _mm256_sub_ps(v, cv); v = _mm256_mul_ps(v, v); }
        acc = _mm256_add_ps(acc, v);
    }
    float p[8];
    _mm256_storeu_ps(p, acc);
    float s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; i < n; i++) {
        float v = x[i];
        if (squares) { v = v - c; v = v * v; }
        s = s + v;
    }
    return s;
}

T512 static void layernorm_row_avx512(const float *x, long n, const float *g, const float *b, float eps, float *y) {
    float mean = sum8_avx512(x, n, 0, 0) / (float)n;
    float inv = 1.0f / __builtin_sqrtf(sum8_avx512(x, n, 1, mean) / (float)n + eps);
    const __m512 mv = _mm512_set1_ps(mean), iv = _mm512_set1_ps(inv);
    for (long i = 0; i < n; i += 16) {
        const __mmask16 k = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), mv), iv), _mm512_maskz_loadu_ps(k, g + i));
        _mm512_mask_storeu_ps(y + i, k, _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, b + i)));
    }
}

/* ---- AVX2 ---- */
#define T256 __attribute__((target("avx2")))

/* exp8 / gelu8 from the shared formula template. */
#define VF __m256
#define VI __m256i
#define VATTR T256
#define VNAME(n) n##8
#define VSET1(c) _mm256_set1_ps(c)
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VMIN _mm256_min_ps
#define VMAX _mm256_max_ps
#define VAND _mm256_and_ps
#define VOR _mm256_or_ps
#define VANDNOT _mm256_andnot_ps
#define VCASTI _mm256_castps_si256
#define VCASTF _mm256_castsi256_ps
#define VISET1 _mm256_set1_epi32
#define VIADD _mm256_add_epi32
#define VISUB _mm256_sub_epi32
#define VISLL _mm256_slli_epi32
#define VSELECT_GT(x, c, v, y) _mm256_blendv_ps(y, v, _mm256_cmp_ps(x, c, _CMP_GT_OQ))
#define VSELECT_LT(x, c, v, y) _mm256_blendv_ps(y, v, _mm256_cmp_ps(x, c, _CMP_LT_OQ))
#include "vecmath_formulas.h"

T256 static void exp_avx2(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = exp_scalar(x[i]);
}

T256 static void gelu_avx2(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, gelu8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = gelu_scalar(x[i]);
}

T256 static void softmax_row_avx2(float *row, long n, float scale) {
    __m256 mv = _mm256_set1_ps(-__builtin_inff());
    long i = 0;
    if (scale != 1.0f) {
        __m256 sv = _mm256_set1_ps(scale);
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), sv));
        for (; i < n; i++) row[i] = row[i] * scale;
        i = 0;
    }
    for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(_mm256_loadu_ps(row + i), mv);
    float lanes[8];
    _mm256_storeu_ps(lanes, mv);
    float m = -__builtin_inff();
    for (int j = 0; j < 8; j++) m = lanes[j] > m ? lanes[j] : m;
    for (long j = i; j < n; j++) m = row[j] > m ? row[j] : m;
    __m256 ms = _mm256_set1_ps(m);
    __m256 acc = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + i), ms));
        _mm256_storeu_ps(row + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    _mm256_storeu_ps(lanes, acc);
    float s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; i < n; i++) { row[i] = exp_scalar(row[i] - m); s = s + row[i]; }
    __m256 inv = _mm256_set1_ps(1.0f / s);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), inv));
    float invs = 1.0f / s;
    for (; i < n; i++) row[i] = row[i] * invs;
}
#endif

static int clamp_path(int path) {
    int best = vitopt_sgemm_best_path();
    return path > best ? best : path;
}

void vitopt_vexp(int path, const float *x, float *y, long n) {
    switch (clamp_path(path)) {
#if defined(__x86_64__)
    case VITOPT_SGEMM_AVX512: exp_avx512(x, y, n); return;
    case VITOPT_SGEMM_AVX2: exp_avx2(x, y, n); return;
#endif
    default: for (long i = 0; i < n; i++) y[i] = exp_scalar(x[i]);
    }
}

void vitopt_vgelu(int path, const float *x, float *y, long n) {
    switch (clamp_path(path)) {
#if defined(__x86_64__)
    case VITOPT_SGEMM_AVX512: gelu_avx512(x, y, n); return;
    case VITOPT_SGEMM_AVX2: gelu_avx2(x, y, n); return;
#endif
    default: for (long i = 0; i < n; i++) y[i] = gelu_scalar(x[i]);
    }
}

void vitopt_vlayernorm_row(int path, const float *x, long n, const float *gamma, const float *beta, float eps, float *y) {
    switch (clamp_path(path)) {
#if defined(__x86_64__)
    case VITOPT_SGEMM_AVX512: layernorm_row_avx512(x, n, gamma, beta, eps, y); return;
#endif
    default: layernorm_row_scalar(x, n, gamma, beta, eps, y);
    }
}

void vitopt_vsoftmax_rows(int path, float *x, long rows, long width) { vitopt_vsoftmax_rows_scaled(path, x, rows, width, 1.0f); }

void vitopt_vsoftmax_rows_scaled(int path, float *x, long rows, long width, float scale) {
    vitopt_vsoftmax_rows_strided(path, x, rows, width, width, scale);
}

void vitopt_vsoftmax_rows_strided(int path, float *x, long rows, long width, long ld, float scale) {
    int p = clamp_path(path);
#if defined(__x86_64__)
    if (p == VITOPT_SGEMM_AVX512) { softmax_rows_avx512(x, rows, width, ld, scale); return; }
#endif
    for (long r = 0; r < rows; r++) {
        float *row = x + r * ld;
        switch (p) {
#if defined(__x86_64__)
        case VITOPT_SGEMM_AVX2: softmax_row_avx2(row, width, scale); break;
#endif
        default: softmax_row_scalar(row, width, scale); break;
        }
    }
}
