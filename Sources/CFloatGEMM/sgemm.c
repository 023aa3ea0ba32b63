#include "CFloatGEMM.h"
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#define NR VITOPT_SGEMM_NR

long vitopt_sgemm_packed_size(int n, int k) { return (long)((n + NR - 1) / NR) * NR * k; }

void vitopt_sgemm_pack(const float *w, int n, int k, int ldw, float *packed) {
    int panels = (n + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (long)p * NR * k;
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < NR; j++) {
                int col = p * NR + j;
                dst[(long)kk * NR + j] = col < n ? w[(long)col * ldw + kk] : 0.0f;
            }
        }
    }
}

int vitopt_sgemm_best_path(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return VITOPT_SGEMM_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VITOPT_SGEMM_AVX2;
#endif
    return VITOPT_SGEMM_SCALAR;
}

/* Scalar reference: one fmaf per term, k ascending. */
static void panel_scalar(int m, int k, const float *a, int lda, const float *bp, const float *bias, float *c, int ldc,
                         int cols) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < cols; j++) {
            float s = bias ? bias[j] : 0.0f;
            for (int kk = 0; kk < k; kk++) s = __builtin_fmaf(a[(long)i * lda + kk], bp[(long)kk * NR + j], s);
            c[(long)i * ldc + j] = s;
        }
    }
}

#if defined(__x86_64__)
/* AVX-512: 14 rows x 32 columns of accumulators (28 zmm). A is packed per 14-row tile, k-major with
 * a stride of 16 floats (one cache line per k), so every broadcast is a constant offset from one pointer. */
#define MR512 14
#define AP512 16
__attribute__((target("avx512f")))
static void tile_avx512(int k, const float *ap, const float *bp, const float *bias, float *out, int ldo) {
    __m512 acc[MR512][2];
    __m512 b0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
    __m512 b1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 14
    for (int i = 0; i < MR512; i++) { acc[i][0] = b0; acc[i][1] = b1; }
    for (int kk = 0; kk < k; kk++) {
        __m512 w0 = _mm512_load_ps(bp + (long)kk * NR);
        __m512 w1 = _mm512_load_ps(bp + (long)kk * NR + 16);
        const float *a = ap + (long)kk * AP512;
#pragma GCC unroll 14
        for (int i = 0; i < MR512; i++) {
            __m512 x = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(x, w0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(x, w1, acc[i][1]);
        }
    }
#pragma GCC unroll 14
    for (int i = 0; i < MR512; i++) {
        _mm512_storeu_ps(out + (long)i * ldo, acc[i][0]);
        _mm512_storeu_ps(out + (long)i * ldo + 16, acc[i][1]);
    }
}

/* Packs A (m x k) into ceil(m/14) tiles of [k][16] floats, rows past m zero. */
static void pack_a_avx512(int m, int k, const float *a, int lda, float *packed) {
    int tiles = (m + MR512 - 1) / MR512;
    for (int t = 0; t < tiles; t++) {
        float *dst = packed + (long)t * k * AP512;
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < AP512; i++) {
                int row = t * MR512 + i;
                dst[(long)kk * AP512 + i] = (i < MR512 && row < m) ? a[(long)row * lda + kk] : 0.0f;
            }
        }
    }
}

__attribute__((target("avx512f")))
static void panel_avx512(int m, int k, const float *apacked, const float *bp, const float *bias, float *c, int ldc, int cols) {
    float tile[MR512 * NR];
    for (int i0 = 0, t = 0; i0 < m; i0 += MR512, t++) {
        int rows = m - i0 < MR512 ? m - i0 : MR512;
        const float *ap = apacked + (long)t * k * AP512;
        if (rows == MR512 && cols == NR) {
            tile_avx512(k, ap, bp, bias, c + (long)i0 * ldc, ldc);
        } else {
            tile_avx512(k, ap, bp, bias, tile, NR);
            for (int i = 0; i < rows; i++) memcpy(c + (long)(i0 + i) * ldc, tile + i * NR, sizeof(float) * cols);
        }
    }
}

/* AVX2 + FMA: the 32-column panel as two 16-column halves, 6 rows x 16 columns (12 ymm) each. */
#define MR256 6
__attribute__((target("avx2,fma")))
static void tile_avx2(int k, const float *a, int lda, const float *bp, const float *bias, float *out, int ldo) {
    __m256 acc[MR256][2];
    __m256 b0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    __m256 b1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
#pragma GCC unroll 6
    for (int i = 0; i < MR256; i++) { acc[i][0] = b0; acc[i][1] = b1; }
    for (int kk = 0; kk < k; kk++) {
        __m256 w0 = _mm256_loadu_ps(bp + (long)kk * NR);
        __m256 w1 = _mm256_loadu_ps(bp + (long)kk * NR + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR256; i++) {
            __m256 x = _mm256_broadcast_ss(a + (long)i * lda + kk);
            acc[i][0] = _mm256_fmadd_ps(x, w0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(x, w1, acc[i][1]);
        }
    }
#pragma GCC unroll 6
    for (int i = 0; i < MR256; i++) {
        _mm256_storeu_ps(out + (long)i * ldo, acc[i][0]);
        _mm256_storeu_ps(out + (long)i * ldo + 8, acc[i][1]);
    }
}

__attribute__((target("avx2,fma")))
static void panel_avx2(int m, int k, const float *a, int lda, const float *bp, const float *bias, float *c, int ldc,
                       int cols, float *scratch_a) {
    float tile[MR256 * 16];
    for (int half = 0; half < 2; half++) {
        int c0 = half * 16;
        if (c0 >= cols) break;
        int hc = cols - c0 < 16 ? cols - c0 : 16;
        for (int i0 = 0; i0 < m; i0 += MR256) {
            int rows = m - i0 < MR256 ? m - i0 : MR256;
            const float *ap = a + (long)i0 * lda;
            int la = lda;
            if (rows < MR256) {
                memset(scratch_a, 0, sizeof(float) * MR256 * k);
                for (int i = 0; i < rows; i++) memcpy(scratch_a + (long)i * k, ap + (long)i * lda, sizeof(float) * k);
                ap = scratch_a;
                la = k;
            }
            /* A 16-column half-panel is the panel with a column offset; the stride stays NR. */
            const float *hb = bias ? bias + c0 : 0;
            if (rows == MR256 && hc == 16) {
                tile_avx2(k, ap, la, bp + c0, hb, c + (long)i0 * ldc + c0, ldc);
            } else {
                tile_avx2(k, ap, la, bp + c0, hb, tile, 16);
                for (int i = 0; i < rows; i++) memcpy(c + (long)(i0 + i) * ldc + c0, tile + i * 16, sizeof(float) * hc);
            }
        }
    }
}
#endif

void vitopt_sgemm_packed(int path, int m, int n, int k, const float *a, int lda, const float *packed,
                         const float *bias, float *c, int ldc, int panel0, int panel1) {
    int best = vitopt_sgemm_best_path();
    if (path > best) path = best;
    float padded_bias[NR];
    /* AVX2: a zero-padded copy of the last, partial row tile (at most 6 rows). AVX-512: all of A,
     * packed into 14-row tiles (each thread packs its own copy: A is small next to the GEMM). */
    float *scratch_a = 0;
    if (path == VITOPT_SGEMM_AVX2) scratch_a = (float *)malloc(sizeof(float) * 6 * (size_t)(k > 0 ? k : 1));
#if defined(__x86_64__)
    if (path == VITOPT_SGEMM_AVX512) {
        scratch_a = (float *)aligned_alloc(64, sizeof(float) * (size_t)((m + 13) / 14) * (size_t)(k > 0 ? k : 1) * 16);
        if (scratch_a) pack_a_avx512(m, k, a, lda, scratch_a);
    }
#endif
    if (!scratch_a) path = VITOPT_SGEMM_SCALAR;
    for (int p = panel0; p < panel1; p++) {
        int col0 = p * NR;
        int cols = n - col0 < NR ? n - col0 : NR;
        const float *bp = packed + (long)p * NR * k;
        const float *pb = 0;
        if (bias) {
            memset(padded_bias, 0, sizeof padded_bias);
            memcpy(padded_bias, bias + col0, sizeof(float) * cols);
            pb = padded_bias;
        }
        float *cp = c + col0;
        switch (path) {
#if defined(__x86_64__)
        case VITOPT_SGEMM_AVX512: panel_avx512(m, k, scratch_a, bp, pb, cp, ldc, cols); break;
        case VITOPT_SGEMM_AVX2: panel_avx2(m, k, a, lda, bp, pb, cp, ldc, cols, scratch_a); break;
#endif
        default: panel_scalar(m, k, a, lda, bp, pb, cp, ldc, cols); break;
        }
    }
    free(scratch_a);
}
