/* AVX-512F path: the reference's FMA chain on fp32 FMA units. A is widened once per call to fp32 (exact: bf16
 * values), each weight pair is split into its odd and even halves by a mask and a shift, and every output takes
 * fma(odd) then fma(even) per pair under MXCSR FTZ/DAZ — the scalar reference's bits. A 4 × 64 register tile
 * (16 zmm accumulators, the 8 weight halves beside them, A broadcast from memory). Worth it where VDPBF16PS
 * runs at a fraction of the FMA rate (measured 0.46× on this project's Xeon without AMX); dispatch checks the
 * CPU first. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define F512 __attribute__((target("avx512f")))
#define MR_MAX 4

static inline __attribute__((always_inline)) F512 void rows(const vitopt_bf16_args *g, const float *a, const uint16_t *panel,
                                                            int p, int r0, const int MR) {
    const int base = p * VITOPT_BF16_NR, kp = g->kp;
    __m512 acc[MR_MAX][4];
    for (int j = 0; j < 4; j++) {
        const int left = g->n - (base + 16 * j);
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
        const __m512 b = g->bias ? _mm512_maskz_loadu_ps(mask, g->bias + base + 16 * j) : _mm512_setzero_ps();
        for (int r = 0; r < MR; r++) acc[r][j] = b;
    }
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    const float *ar = a + (size_t)r0 * (size_t)kp;
    for (int q = 0; q < kp / 2; q++) {
        const uint16_t *w = panel + (size_t)q * (VITOPT_BF16_NR * 2);
        __m512 odd[4], even[4];
        for (int j = 0; j < 4; j++) {
            const __m512i v = _mm512_load_si512(w + 32 * j);
            odd[j] = _mm512_castsi512_ps(_mm512_and_si512(v, hi));
            even[j] = _mm512_castsi512_ps(_mm512_slli_epi32(v, 16));
        }
        for (int r = 0; r < MR; r++) {
            const __m512 ao = _mm512_set1_ps(ar[(size_t)r * (size_t)kp + 2 * (size_t)q + 1]);
            const __m512 ae = _mm512_set1_ps(ar[(size_t)r * (size_t)kp + 2 * (size_t)q]);
            for (int j = 0; j < 4; j++) acc[r][j] = _mm512_fmadd_ps(ae, even[j], _mm512_fmadd_ps(ao, odd[j], acc[r][j]));
        }
    }
    for (int r = 0; r < MR; r++) {
        for (int j = 0; j < 4; j++) {
            const int left = g->n - (base + 16 * j);
            if (left <= 0) break;
            const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            _mm512_mask_storeu_ps(g->c + (size_t)(r0 + r) * (size_t)g->ldc + base + 16 * j, mask, acc[r][j]);
        }
    }
}

F512 void vitopt_bf16_gemm_avx512(const vitopt_bf16_args *g) {
    const int kp = g->kp;
    float *a = (float *)aligned_alloc(64, ((size_t)g->m * (size_t)kp * sizeof(float) + 63) & ~(size_t)63);
    if (!a) { vitopt_bf16_gemm_scalar(g); return; }
    for (int r = 0; r < g->m; r++)
        for (int k = 0; k < kp; k++) a[(size_t)r * (size_t)kp + k] = vitopt_bf16_to_f32(g->a[(size_t)r * (size_t)g->lda + k]);
    const unsigned csr = _mm_getcsr();
    const size_t pc = vitopt_bf16_panel_count(kp);
    for (int p = g->p0; p < g->p1; p++) {
        const uint16_t *panel = g->packed + pc * (size_t)p;
        const int base = p * VITOPT_BF16_NR, cols = g->n - base < VITOPT_BF16_NR ? g->n - base : VITOPT_BF16_NR;
        for (int r0 = 0; r0 < g->m; r0 += MR_MAX) {
            const int n = g->m - r0 < MR_MAX ? g->m - r0 : MR_MAX;
            _mm_setcsr(csr | 0x8040u); /* FTZ and DAZ for the sums, as VDPBF16PS; the epilogue in the caller's mode */
            switch (n) {
            case 4: rows(g, a, panel, p, r0, 4); break;
            case 3: rows(g, a, panel, p, r0, 3); break;
            case 2: rows(g, a, panel, p, r0, 2); break;
            default: rows(g, a, panel, p, r0, 1); break;
            }
            _mm_setcsr(csr);
            if (g->epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL || g->epilogue == VITOPT_BF16_EPILOGUE_GELU)
                vitopt_bf16_epilogue(g, r0, n, base, cols);
        }
    }
    free(a);
}
#else
void vitopt_bf16_gemm_avx512(const vitopt_bf16_args *g) { vitopt_bf16_gemm_scalar(g); }
#endif
