/* AVX512-BF16 path: a 6 × 64 register tile (24 zmm accumulators), one VDPBF16PS per 2 k × 16 columns,
 * and VCVTNEPS2BF16 for rounding the activations. Compiled with per-function target attributes only;
 * dispatch checks the CPU first. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define MR_MAX 6
/* k pairs per L1 block: 128 pairs × 256 bytes = 32 KiB of the panel stays in L1 across a sweep of row tiles. */
#define KP_BLOCK 128
/* Row tiles sharing one pass over a K block (their running sums: 8 × 1.5 KiB). */
#define TILE_CHUNK 8
/* K blocking only for long K (fc2's 3072, i.e. 1536 pairs). */
#define KBLOCK_MIN_PAIRS 512

BF16 void vitopt_bf16_convert_row_avx512bf16(const float *x, int k, uint16_t *a) {
    int i = 0;
    for (; i + 32 <= k; i += 32) {
        const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(x + i));
        _mm512_storeu_si512(a + i, (__m512i)v);
    }
    for (; i < k; i += 16) {
        const int left = k - i;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + i));
        _mm256_mask_storeu_epi16(a + i, mask, (__m256i)v);
    }
}

/* Row r's four accumulators to C (columns clipped to n), adding the residual for that epilogue. */
static inline __attribute__((always_inline)) BF16 void store_row(const vitopt_bf16_args *g, int p, int r, const __m512 acc[4]) {
    const int base = p * VITOPT_BF16_NR;
    for (int j = 0; j < 4; j++) {
        const int left = g->n - (base + 16 * j);
        if (left <= 0) break;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const size_t at = (size_t)r * (size_t)g->ldc + (size_t)base + 16 * (size_t)j;
        __m512 y = acc[j];
        if (g->epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, g->residual + at));
        _mm512_mask_storeu_ps(g->c + at, mask, y);
    }
}

/* The accumulators' starting value: the panel's bias (zero past n or without one). */
static inline __attribute__((always_inline)) BF16 void start(const vitopt_bf16_args *g, int p, __m512 b[4]) {
    const int base = p * VITOPT_BF16_NR;
    for (int j = 0; j < 4; j++) {
        const int left = g->n - (base + 16 * j);
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
        b[j] = g->bias ? _mm512_maskz_loadu_ps(mask, g->bias + base + 16 * j) : _mm512_setzero_ps();
    }
}

/* One MR × 64 tile of rows a[0..MR) (stride lda) over pairs [q0, q1), accumulating into acc (in/out).
 * A non-NULL `pf` is prefetched into L2 alongside: one 64-byte line per pair, 256 bytes apart. */
static inline __attribute__((always_inline)) BF16 void tile(const uint16_t *a, int lda, const uint16_t *w, int q0, int q1,
                                                            const uint16_t *pf, const int MR, __m512 acc[MR_MAX][4]) {
    __m512 c[MR_MAX][4];
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) c[r][j] = acc[r][j];
    for (int q = q0; q < q1; q++) {
        const uint16_t *b = w + (size_t)q * (VITOPT_BF16_NR * 2);
        const __m512bh b0 = (__m512bh)_mm512_load_si512(b), b1 = (__m512bh)_mm512_load_si512(b + 32);
        const __m512bh b2 = (__m512bh)_mm512_load_si512(b + 64), b3 = (__m512bh)_mm512_load_si512(b + 96);
        if (pf) _mm_prefetch((const char *)(pf + (size_t)q * (VITOPT_BF16_NR * 2)), _MM_HINT_T1);
        for (int r = 0; r < MR; r++) {
            int32_t pair;
            memcpy(&pair, a + (size_t)r * (size_t)lda + 2 * (size_t)q, sizeof pair);
            const __m512bh av = (__m512bh)_mm512_set1_epi32(pair);
            c[r][0] = _mm512_dpbf16_ps(c[r][0], av, b0);
            c[r][1] = _mm512_dpbf16_ps(c[r][1], av, b1);
            c[r][2] = _mm512_dpbf16_ps(c[r][2], av, b2);
            c[r][3] = _mm512_dpbf16_ps(c[r][3], av, b3);
        }
    }
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) acc[r][j] = c[r][j];
}

/* The next panel's weights, line `t` of each pair row (t < 4), for the t-th row tile of a sweep to
 * prefetch: the first four tiles over a panel bring the next one into L2 while they compute. */
static inline const uint16_t *next_panel_line(const vitopt_bf16_args *g, const uint16_t *panel, int p, int t) {
    /* VITOPT_PREFETCH=0 turns the prefetch off (for measuring it). */
    static int off = -1;
    if (off < 0) off = getenv("VITOPT_PREFETCH") && atoi(getenv("VITOPT_PREFETCH")) == 0;
    return !off && p + 1 < g->p1 && t < 4 ? panel + vitopt_bf16_panel_count(g->kp) + 32 * (size_t)t : 0;
}

static inline __attribute__((always_inline)) BF16 void rows(const vitopt_bf16_args *g, const uint16_t *panel, int p, int r0,
                                                            const uint16_t *pf, const int MR) {
    __m512 acc[MR_MAX][4], b[4];
    start(g, p, b);
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) acc[r][j] = b[j];
    tile(g->a + (size_t)r0 * (size_t)g->lda, g->lda, panel, 0, g->kp / 2, pf, MR, acc);
    for (int r = 0; r < MR; r++) store_row(g, p, r0 + r, acc[r]);
}

/* All rows of panel p, then its GELU epilogue per row tile (while the tile is in L1). */
static inline __attribute__((always_inline)) BF16 void panel_rows(const vitopt_bf16_args *g, const uint16_t *panel, int p) {
    const int pairs = g->kp / 2, base = p * VITOPT_BF16_NR;
    const int cols = g->n - base < VITOPT_BF16_NR ? g->n - base : VITOPT_BF16_NR;
    const int gelu = g->epilogue == VITOPT_BF16_EPILOGUE_GELU;
    int r0 = 0;
    if (pairs > KBLOCK_MIN_PAIRS && g->m >= 2 * MR_MAX) {
        /* Long K: up to TILE_CHUNK full row tiles keep their running sums in a scratch block while each
         * 32 KiB slice of the panel is read from L1 by all of them (each sum still runs over k ascending). */
        const int tiles = g->m / MR_MAX;
        for (int t0 = 0; t0 < tiles; t0 += TILE_CHUNK) {
            const int nt = tiles - t0 < TILE_CHUNK ? tiles - t0 : TILE_CHUNK;
            __m512 sums[TILE_CHUNK][MR_MAX][4], b[4];
            start(g, p, b);
            for (int t = 0; t < nt; t++)
                for (int r = 0; r < MR_MAX; r++) for (int j = 0; j < 4; j++) sums[t][r][j] = b[j];
            for (int q0 = 0; q0 < pairs; q0 += KP_BLOCK) {
                const int q1 = q0 + KP_BLOCK < pairs ? q0 + KP_BLOCK : pairs;
                for (int t = 0; t < nt; t++)
                    tile(g->a + (size_t)((t0 + t) * MR_MAX) * (size_t)g->lda, g->lda, panel, q0, q1,
                         next_panel_line(g, panel, p, t0 + t), MR_MAX, sums[t]);
            }
            for (int t = 0; t < nt; t++) {
                for (int r = 0; r < MR_MAX; r++) store_row(g, p, (t0 + t) * MR_MAX + r, sums[t][r]);
                if (gelu) vitopt_bf16_epilogue(g, (t0 + t) * MR_MAX, MR_MAX, base, cols);
            }
        }
        r0 = tiles * MR_MAX;
    }
    for (; r0 + MR_MAX <= g->m; r0 += MR_MAX) {
        rows(g, panel, p, r0, next_panel_line(g, panel, p, r0 / MR_MAX), 6);
        if (gelu) vitopt_bf16_epilogue(g, r0, MR_MAX, base, cols);
    }
    const uint16_t *pf = next_panel_line(g, panel, p, r0 / MR_MAX);
    switch (g->m - r0) {
    case 5: rows(g, panel, p, r0, pf, 5); break;
    case 4: rows(g, panel, p, r0, pf, 4); break;
    case 3: rows(g, panel, p, r0, pf, 3); break;
    case 2: rows(g, panel, p, r0, pf, 2); break;
    case 1: rows(g, panel, p, r0, pf, 1); break;
    default: break;
    }
    if (gelu && g->m > r0) vitopt_bf16_epilogue(g, r0, g->m - r0, base, cols);
}

BF16 void vitopt_bf16_gemm_avx512bf16(const vitopt_bf16_args *g) {
    const size_t pc = vitopt_bf16_panel_count(g->kp);
    for (int p = g->p0; p < g->p1; p++) panel_rows(g, g->packed + pc * (size_t)p, p);
}
#else
void vitopt_bf16_gemm_avx512bf16(const vitopt_bf16_args *g) { vitopt_bf16_gemm_scalar(g); }
void vitopt_bf16_convert_row_avx512bf16(const float *x, int k, uint16_t *a) {
    for (int i = 0; i < k; i++) a[i] = vitopt_bf16_from_f32(x[i]);
}
#endif
