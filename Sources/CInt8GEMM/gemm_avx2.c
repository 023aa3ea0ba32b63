/* AVX2 path, exact: weights sign-extended to int16 and activations zero-extended to int16, then
 * vpmaddwd (pairs of products, each pair ≤ 2·255·127, no saturation) — never vpmaddubsw, whose int16
 * sums saturate on 255 × ±127 inputs. The activations are widened once per call into an int16 copy,
 * so each row's group of 4 is a single broadcast load; each weight panel is widened once per row block,
 * so the inner loop is one vpmaddwd and one vpaddd per 16 multiply-adds. A 6×8 register tile: per row
 * two accumulators hold the two pair-sums of each column, reduced with one vphaddd + vpermq at the end. */
#include <stdlib.h>
#include "internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#define MR_MAX 6
/* Rows per L2 block (a multiple of MR_MAX; a last block up to 1.5× is not split). 192 measured ~2%
 * above 96 at batch 1 and 8 with the widened panel, which is re-made once per block. */
#define MC 192

/* `w16` is the panel's weights sign-extended to int16 (same layout), shared by all its row tiles. */
static inline __attribute__((always_inline)) AVX2 void rows(const vitopt_i8_args *g, const int16_t *a16, const uint8_t *panel,
                                                            const int16_t *w16, int p, int c0, int r0, const int MR) {
    __m256i lo[MR_MAX], hi[MR_MAX];
    for (int r = 0; r < MR; r++) { lo[r] = _mm256_setzero_si256(); hi[r] = _mm256_setzero_si256(); }
    const int16_t *a = a16 + (size_t)r0 * g->kp;
    const int16_t *w = w16 + c0 * 4;
    const int groups = g->kp / 4;
    for (int kg = 0; kg < groups; kg++) {
        const int16_t *b = w + (size_t)kg * (VITOPT_I8_NR * 4);
        const __m256i bl = _mm256_load_si256((const __m256i *)b);
        const __m256i bh = _mm256_load_si256((const __m256i *)(b + 16));
        for (int r = 0; r < MR; r++) {
            /* The row's 4 activations of this group, already int16, broadcast by the load itself. */
            const __m256i av = _mm256_set1_epi64x(*(const long long *)(a + (size_t)r * g->kp + 4 * kg));
            lo[r] = _mm256_add_epi32(lo[r], _mm256_madd_epi16(av, bl));
            hi[r] = _mm256_add_epi32(hi[r], _mm256_madd_epi16(av, bh));
        }
    }
    const int col = p * VITOPT_I8_NR + c0;
    const int left = g->n - col;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), lane);
    const __m256i cs = _mm256_loadu_si256((const __m256i *)(vitopt_i8_colsum(panel, g->kp) + c0));
    const __m256 ws = _mm256_loadu_ps(vitopt_i8_wscale(panel, g->kp) + c0);
    const __m256 bias = _mm256_loadu_ps(vitopt_i8_bias(panel, g->kp) + c0);
    for (int r = 0; r < MR; r++) {
        const __m256i acc = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[r], hi[r]), 0xD8);
        const size_t at = (size_t)(r0 + r) * g->ldc + col;
        if (g->raw) {
            _mm256_maskstore_epi32((int *)g->c + at, mask, acc);
        } else {
            const __m256i v = _mm256_sub_epi32(acc, _mm256_mullo_epi32(_mm256_set1_epi32(g->zp[r0 + r]), cs));
            const __m256 s = _mm256_mul_ps(_mm256_set1_ps(g->a_scale[r0 + r]), ws);
            __m256 y = _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), s, bias);
            if (g->residual) y = _mm256_add_ps(y, _mm256_maskload_ps(g->residual + at, mask));
            _mm256_maskstore_ps((float *)g->c + at, mask, y);
        }
    }
}

AVX2 void vitopt_i8_gemm_avx2(const vitopt_i8_args *g) {
    /* Activations zero-extended to int16 once per call, so the inner loop needs no shuffle per row. */
    int16_t *a16 = (int16_t *)aligned_alloc(32, ((size_t)g->m * g->kp * sizeof(int16_t) + 31) / 32 * 32);
    /* One panel's weights widened to int16, once per row block: the inner loop then needs no
     * sign extension (measured ~8% on the ViT shapes). */
    const size_t wcount = (size_t)g->kp * VITOPT_I8_NR;
    int16_t *w16 = (int16_t *)aligned_alloc(32, wcount * sizeof(int16_t));
    if (!a16 || !w16) { free(a16); free(w16); vitopt_i8_gemm_scalar(g); return; }
    for (int r = 0; r < g->m; r++) {
        const uint8_t *src = g->a + (size_t)r * g->lda;
        int16_t *dst = a16 + (size_t)r * g->kp;
        int i = 0;
        for (; i + 16 <= g->kp; i += 16)
            _mm256_storeu_si256((__m256i *)(dst + i), _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + i))));
        for (; i < g->kp; i++) dst[i] = src[i];
    }
    /* Blocks of MC rows keep their int16 activations in L2 while the panels pass; each panel is widened
     * once per block, then each 6-row tile sweeps its eight 8-column groups, reusing its rows from L1. */
    for (int m0 = 0; m0 < g->m; m0 += MC) {
        const int m1 = g->m - m0 <= MC + MC / 2 ? g->m : m0 + MC;
        for (int p = g->p0; p < g->p1; p++) {
            const uint8_t *panel = g->packed + g->panel_bytes * (size_t)p;
            for (size_t i = 0; i < wcount; i += 16)
                _mm256_store_si256((__m256i *)(w16 + i), _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *)(panel + i))));
            for (int r0 = m0; r0 < m1; r0 += MR_MAX) {
                const int mr = m1 - r0 < MR_MAX ? m1 - r0 : MR_MAX;
                for (int c0 = 0; c0 < VITOPT_I8_NR && p * VITOPT_I8_NR + c0 < g->n; c0 += 8) {
                    switch (mr) {
                    case 6: rows(g, a16, panel, w16, p, c0, r0, 6); break;
                    case 5: rows(g, a16, panel, w16, p, c0, r0, 5); break;
                    case 4: rows(g, a16, panel, w16, p, c0, r0, 4); break;
                    case 3: rows(g, a16, panel, w16, p, c0, r0, 3); break;
                    case 2: rows(g, a16, panel, w16, p, c0, r0, 2); break;
                    default: rows(g, a16, panel, w16, p, c0, r0, 1); break;
                    }
                }
            }
        }
        if (m1 == g->m) break;
    }
    free(a16);
    free(w16);
}
#else
void vitopt_i8_gemm_avx2(const vitopt_i8_args *g) { vitopt_i8_gemm_scalar(g); }
#endif
