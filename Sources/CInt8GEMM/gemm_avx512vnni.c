/* AVX-512 VNNI path: a 6×64 register tile (24 zmm accumulators), one vpdpbusd per 4 k × 16 columns.
 * Compiled with per-function target attributes only; dispatch checks the CPU first. */
#include "internal.h"
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define MR_MAX 6
/* k groups per L1 block: 128 groups × 256 bytes = 32 KiB of the panel stays in L1 across a tile row sweep. */
#define KG_BLOCK 128
/* Row tiles sharing one pass over a K block (their sums: 8 × 1.5 KiB). */
#define TILE_CHUNK 8
/* K blocking only pays for fc2's long K (measured: at K = 768 it cost 5–15%). */
#define KBLOCK_MIN_GROUPS 256
/* Rows per L2 block of activations (a multiple of MR_MAX; a last block up to 1.5× is not split;
 * 384 measured best for batch 8's M = 1576). */
#define M_BLOCK 384

static inline __attribute__((always_inline)) VNNI void store_row(const vitopt_i8_args *g, const uint8_t *panel, int p, int r,
                                                                 __m512i a0, __m512i a1, __m512i a2, __m512i a3) {
    const int base = p * VITOPT_I8_NR;
    __m512i acc[4] = {a0, a1, a2, a3};
    for (int j = 0; j < 4; j++) {
        int left = g->n - (base + 16 * j);
        if (left <= 0) break;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        if (g->raw) {
            _mm512_mask_storeu_epi32((int32_t *)g->c + (size_t)r * g->ldc + base + 16 * j, mask, acc[j]);
        } else {
            const __m512i cs = _mm512_loadu_si512(vitopt_i8_colsum(panel, g->kp) + 16 * j);
            const __m512i v = _mm512_sub_epi32(acc[j], _mm512_mullo_epi32(_mm512_set1_epi32(g->zp[r]), cs));
            const __m512 s = _mm512_mul_ps(_mm512_set1_ps(g->a_scale[r]), _mm512_loadu_ps(vitopt_i8_wscale(panel, g->kp) + 16 * j));
            __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(v), s, _mm512_loadu_ps(vitopt_i8_bias(panel, g->kp) + 16 * j));
            const size_t at = (size_t)r * g->ldc + base + 16 * j;
            if (g->residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, g->residual + at));
            float *dst = (float *)g->c + at;
            if (g->stream && mask == 0xFFFF && ((size_t)dst & 63) == 0) _mm512_stream_ps(dst, y);
            else _mm512_mask_storeu_ps(dst, mask, y);
        }
    }
}

/* One MR×64 tile of rows [r0, r0+MR) over k groups [kg0, kg1), accumulating into acc (in/out). A
 * non-NULL `pf` is prefetched into L2 alongside: one 64-byte line per k group, 256 bytes apart. */
static inline __attribute__((always_inline)) VNNI void tile(const uint8_t *a, int lda, const int8_t *w, int kg0, int kg1,
                                                            const int8_t *pf, const int MR, __m512i acc[MR_MAX][4]) {
    __m512i c[MR_MAX][4];
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) c[r][j] = acc[r][j];
    for (int kg = kg0; kg < kg1; kg++) {
        const int8_t *b = w + (size_t)kg * (VITOPT_I8_NR * 4);
        const __m512i b0 = _mm512_load_si512(b), b1 = _mm512_load_si512(b + 64);
        const __m512i b2 = _mm512_load_si512(b + 128), b3 = _mm512_load_si512(b + 192);
        if (pf) _mm_prefetch((const char *)(pf + (size_t)kg * (VITOPT_I8_NR * 4)), _MM_HINT_T1);
        for (int r = 0; r < MR; r++) {
            const __m512i av = _mm512_set1_epi32(*(const int32_t *)(a + (size_t)r * lda + 4 * kg));
            c[r][0] = _mm512_dpbusd_epi32(c[r][0], av, b0);
            c[r][1] = _mm512_dpbusd_epi32(c[r][1], av, b1);
            c[r][2] = _mm512_dpbusd_epi32(c[r][2], av, b2);
            c[r][3] = _mm512_dpbusd_epi32(c[r][3], av, b3);
        }
    }
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) acc[r][j] = c[r][j];
}

/* The next panel's weights, line `t` of each k group (t < 4), for the t-th row tile of a sweep to
 * prefetch: the first four tiles over a panel bring the next one from DRAM into L2 while they compute. */
static inline const int8_t *next_panel_line(const vitopt_i8_args *g, const uint8_t *panel, int p, int t) {
    /* VITOPT_PREFETCH=0 turns the prefetch off (for measuring it). */
    static int off = -1;
    if (off < 0) off = getenv("VITOPT_PREFETCH") && atoi(getenv("VITOPT_PREFETCH")) == 0;
    return !off && p + 1 < g->p1 && t < 4 ? (const int8_t *)(panel + g->panel_bytes) + 64 * t : 0;
}

static inline __attribute__((always_inline)) VNNI void rows(const vitopt_i8_args *g, const uint8_t *panel, int p, int r0,
                                                            const int8_t *pf, const int MR) {
    __m512i acc[MR_MAX][4];
    for (int r = 0; r < MR; r++) for (int j = 0; j < 4; j++) acc[r][j] = _mm512_setzero_si512();
    const uint8_t *a = g->a + (size_t)r0 * g->lda;
    const int groups = g->kp / 4;
    tile(a, g->lda, (const int8_t *)panel, 0, groups, pf, MR, acc);
    for (int r = 0; r < MR; r++) store_row(g, panel, p, r0 + r, acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
}

/* Rows [m0, m1) of panel p. */
static inline __attribute__((always_inline)) VNNI void panel_rows(const vitopt_i8_args *g, const uint8_t *panel, int p,
                                                                  int m0, int m1) {
    int r0 = m0;
    const int groups = g->kp / 4;
    if (groups > KBLOCK_MIN_GROUPS && m1 - m0 >= 2 * MR_MAX) {
        /* Long K: up to TILE_CHUNK full row tiles keep their running int32 sums in a scratch block
         * while each 32 KiB slice of the panel is read from L1 by all of them. */
        const int tiles = (m1 - m0) / MR_MAX;
        for (int t0 = 0; t0 < tiles; t0 += TILE_CHUNK) {
            const int nt = tiles - t0 < TILE_CHUNK ? tiles - t0 : TILE_CHUNK;
            __m512i sums[TILE_CHUNK][MR_MAX][4];
            for (int t = 0; t < nt; t++)
                for (int r = 0; r < MR_MAX; r++) for (int j = 0; j < 4; j++) sums[t][r][j] = _mm512_setzero_si512();
            for (int kg0 = 0; kg0 < groups; kg0 += KG_BLOCK) {
                const int kg1 = kg0 + KG_BLOCK < groups ? kg0 + KG_BLOCK : groups;
                for (int t = 0; t < nt; t++)
                    tile(g->a + (size_t)(m0 + (t0 + t) * MR_MAX) * g->lda, g->lda, (const int8_t *)panel, kg0, kg1,
                         next_panel_line(g, panel, p, t0 + t), MR_MAX, sums[t]);
            }
            for (int t = 0; t < nt; t++)
                for (int r = 0; r < MR_MAX; r++)
                    store_row(g, panel, p, m0 + (t0 + t) * MR_MAX + r, sums[t][r][0], sums[t][r][1], sums[t][r][2], sums[t][r][3]);
        }
        r0 = m0 + tiles * MR_MAX;
    }
    for (; r0 + MR_MAX <= m1; r0 += MR_MAX) rows(g, panel, p, r0, next_panel_line(g, panel, p, (r0 - m0) / MR_MAX), 6);
    const int8_t *pf = next_panel_line(g, panel, p, (r0 - m0) / MR_MAX);
    switch (m1 - r0) {
    case 5: rows(g, panel, p, r0, pf, 5); break;
    case 4: rows(g, panel, p, r0, pf, 4); break;
    case 3: rows(g, panel, p, r0, pf, 3); break;
    case 2: rows(g, panel, p, r0, pf, 2); break;
    case 1: rows(g, panel, p, r0, pf, 1); break;
    default: break;
    }
}

VNNI void vitopt_i8_gemm_avx512vnni(const vitopt_i8_args *g) {
    /* Row blocks of M_BLOCK keep their activations in L2 while the panels pass (batch 8: M = 1576
     * would otherwise stream all of A from L3 once per panel). */
    for (int m0 = 0; m0 < g->m; m0 += M_BLOCK) {
        const int m1 = g->m - m0 <= M_BLOCK + M_BLOCK / 2 ? g->m : m0 + M_BLOCK;
        for (int p = g->p0; p < g->p1; p++) panel_rows(g, g->packed + g->panel_bytes * (size_t)p, p, m0, m1);
        if (m1 == g->m) break;
    }
    /* Non-temporal stores are weakly ordered: drain them before the caller's threads synchronise. */
    if (g->stream) _mm_sfence();
}
#else
void vitopt_i8_gemm_avx512vnni(const vitopt_i8_args *g) { vitopt_i8_gemm_scalar(g); }
#endif
