/* AVX2 + FMA path for CPUs without AVX512-BF16: bf16 widened to fp32 by a shift, then the reference's
 * two FMAs per pair (odd element, then even) with MXCSR's FTZ and DAZ set, so it writes the scalar
 * reference's bits. A 4 × 16 register tile (8 ymm accumulators); compiled with per-function target
 * attributes only, and dispatch checks the CPU first. */
#include "internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#define AVX2 __attribute__((target("avx2,fma")))
#define MR 4

/* Rows [r0, r0 + rows) × 16 columns (`cols` of them real) of panel `panel` starting at column col0. */
static inline __attribute__((always_inline)) AVX2 void tile(const vitopt_bf16_args *g, const uint16_t *panel, int r0,
                                                            int rows, int c16, int col0, int cols) {
    const int NR = VITOPT_BF16_NR;
    __m256 acc[MR][2];
    float bias[16] = {0};
    if (g->bias) memcpy(bias, g->bias + col0, sizeof(float) * (size_t)cols);
    const __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
    for (int r = 0; r < MR; r++) { acc[r][0] = b0; acc[r][1] = b1; }
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    for (int pair = 0; pair < g->kp / 2; pair++) {
        const uint16_t *w = panel + ((size_t)pair * NR + (size_t)c16) * 2;
        const __m256i w0 = _mm256_load_si256((const __m256i *)w), w1 = _mm256_load_si256((const __m256i *)(w + 16));
        const __m256 odd0 = _mm256_castsi256_ps(_mm256_and_si256(w0, hi)), even0 = _mm256_castsi256_ps(_mm256_slli_epi32(w0, 16));
        const __m256 odd1 = _mm256_castsi256_ps(_mm256_and_si256(w1, hi)), even1 = _mm256_castsi256_ps(_mm256_slli_epi32(w1, 16));
        for (int r = 0; r < MR; r++) {
            if (r >= rows) break;
            const uint16_t *a = g->a + (size_t)(r0 + r) * (size_t)g->lda + 2 * pair;
            const __m256 ao = _mm256_set1_ps(vitopt_bf16_to_f32(a[1])), ae = _mm256_set1_ps(vitopt_bf16_to_f32(a[0]));
            acc[r][0] = _mm256_fmadd_ps(ae, even0, _mm256_fmadd_ps(ao, odd0, acc[r][0]));
            acc[r][1] = _mm256_fmadd_ps(ae, even1, _mm256_fmadd_ps(ao, odd1, acc[r][1]));
        }
    }
    for (int r = 0; r < rows; r++) {
        float out[16];
        _mm256_storeu_ps(out, acc[r][0]);
        _mm256_storeu_ps(out + 8, acc[r][1]);
        memcpy(g->c + (size_t)(r0 + r) * (size_t)g->ldc + col0, out, sizeof(float) * (size_t)cols);
    }
}

AVX2 void vitopt_bf16_gemm_avx2(const vitopt_bf16_args *g) {
    const unsigned csr = _mm_getcsr();
    for (int p = g->p0; p < g->p1; p++) {
        const uint16_t *panel = g->packed + vitopt_bf16_panel_count(g->kp) * (size_t)p;
        const int base = p * VITOPT_BF16_NR, pcols = g->n - base < VITOPT_BF16_NR ? g->n - base : VITOPT_BF16_NR;
        for (int r0 = 0; r0 < g->m; r0 += MR) {
            const int rows = g->m - r0 < MR ? g->m - r0 : MR;
            /* FTZ (bit 15) and DAZ (bit 6) as VDPBF16PS for the sums; the epilogue runs in the caller's mode. */
            _mm_setcsr(csr | 0x8040u);
            for (int c16 = 0; c16 < pcols; c16 += 16)
                tile(g, panel, r0, rows, c16, base + c16, pcols - c16 < 16 ? pcols - c16 : 16);
            _mm_setcsr(csr);
            vitopt_bf16_epilogue(g, r0, rows, base, pcols);
        }
    }
}
#else
void vitopt_bf16_gemm_avx2(const vitopt_bf16_args *g) { vitopt_bf16_gemm_scalar(g); }
#endif
