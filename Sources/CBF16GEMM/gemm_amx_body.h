/* The AMX-BF16 kernel, written once against amx_tiles.h's T_* operations and included by gemm_amx.c
 * (hardware tiles) and gemm_amx_emulated.c (the portable model). Define AMX_TILES_REAL (or not) and
 * include amx_tiles.h and internal.h before this file.
 *
 * Tile program over the existing packing (CBF16GEMM.h; no repacking): a panel is [Kp/2 pairs][64 columns]
 * [2 bf16], so 16 consecutive pairs of 16 columns are a 16-row × 64-byte tile with row stride 256 — the B
 * operand TDPBF16PS wants (row = one pair, dword = one column's pair). A is 16 activation rows × 64 bytes
 * (16 pairs) with row stride 2·lda. Each step computes a 32-row × 32-column block:
 *   tmm0..3 = C[i][j] (i: rows 0–15/16–31, j: columns 0–15/16–31 of the half panel), fp32 16×64 bytes,
 *             loaded from the bias (zero without one) so every sum starts there, as the other paths;
 *   tmm4,5  = A rows 0–15 and 16–31; tmm6,7 = B columns 0–15 and 16–31.
 * Tails: fewer than 32 rows left configures tmm0,1,4 and tmm2,3,5 with the remaining rows (tmm2,3,5
 * unused when 16 or fewer); the last Kp/2 mod 16 pairs run from zero-padded copies of the A rows and of
 * the panel's last pairs (zero × zero adds an exact zero), so every load stays inside the caller's
 * buffers. The accumulators are stored to a 32×32 block, copied to C (clipped to n) and go through the
 * shared epilogue (GELU or residual). */
#include <string.h>

#define BF_ROWS 32                       /* rows per block: two 16-row A tiles */
#define BF_COLS 32                       /* columns per block: two 16-column B tiles */
#define BF_PAIRS 16                      /* pairs (32 bf16, 64 bytes) per A tile row */
#define BF_PANEL_ROW (VITOPT_BF16_NR * 4) /* bytes of one pair row of a panel: the B tiles' row stride */

/* The configuration for a block whose two row tiles hold r0 (1..16) and r1 (0..16) rows. */
static void bf_config_for(vitopt_amx_tilecfg *cfg, int r0, int r1) {
    memset(cfg, 0, sizeof *cfg);
    cfg->palette_id = 1;
    const int rows[VITOPT_AMX_TILES] = {r0, r0, r1, r1, r0, r1, 16, 16};
    for (int t = 0; t < VITOPT_AMX_TILES; t++) {
        cfg->rows[t] = (uint8_t)rows[t];
        cfg->colsb[t] = rows[t] ? 64 : 0;
    }
}

/* C block (rows [m0, m0+r0+r1), columns [32h, 32h+32) of the panel) = bias + A·B over all Kp, into acc.
 * `start` is 16 rows of the block's 32 bias values (row stride 32 floats); `btail` the panel's last pairs
 * zero-padded to 16 pair rows. */
static AMX_FN void bf_block(amx_ctx *x, const vitopt_bf16_args *g, const uint16_t *panel, const uint16_t *btail, int h,
                            int m0, int r0, int r1, const float *start, float acc[BF_ROWS][BF_COLS]) {
    const int pairs = g->kp / 2, kfull = pairs / BF_PAIRS, ktail = pairs % BF_PAIRS;
    const uint16_t *a0 = g->a + (size_t)m0 * (size_t)g->lda, *a1 = a0 + (size_t)16 * (size_t)g->lda;
    const ptrdiff_t astride = (ptrdiff_t)g->lda * 2;
    const uint16_t *b = panel + (size_t)h * BF_COLS * 2;
    (void)x; /* unused with hardware tiles */
    T_LOAD(x, 0, start, BF_COLS * 4);
    T_LOAD(x, 1, start + 16, BF_COLS * 4);
    if (r1) {
        T_LOAD(x, 2, start, BF_COLS * 4);
        T_LOAD(x, 3, start + 16, BF_COLS * 4);
    }
    for (int kb = 0; kb < kfull; kb++) {
        const uint16_t *bk = b + (size_t)kb * BF_PAIRS * VITOPT_BF16_NR * 2;
        T_LOAD(x, 4, a0 + (size_t)kb * BF_PAIRS * 2, astride);
        T_LOAD(x, 6, bk, BF_PANEL_ROW);
        T_LOAD(x, 7, bk + 32, BF_PANEL_ROW);
        T_DPBF16PS(x, 0, 4, 6);
        T_DPBF16PS(x, 1, 4, 7);
        if (r1) {
            T_LOAD(x, 5, a1 + (size_t)kb * BF_PAIRS * 2, astride);
            T_DPBF16PS(x, 2, 5, 6);
            T_DPBF16PS(x, 3, 5, 7);
        }
    }
    if (ktail) {
        _Alignas(64) uint16_t at[BF_ROWS][BF_PAIRS * 2];
        memset(at, 0, sizeof at);
        for (int i = 0; i < r0 + r1; i++)
            memcpy(at[i], g->a + (size_t)(m0 + i) * (size_t)g->lda + (size_t)kfull * BF_PAIRS * 2, (size_t)ktail * 4);
        const uint16_t *bt = btail + (size_t)h * BF_COLS * 2;
        T_LOAD(x, 4, at[0], BF_PAIRS * 4);
        T_LOAD(x, 6, bt, BF_PANEL_ROW);
        T_LOAD(x, 7, bt + 32, BF_PANEL_ROW);
        T_DPBF16PS(x, 0, 4, 6);
        T_DPBF16PS(x, 1, 4, 7);
        if (r1) {
            T_LOAD(x, 5, at[16], BF_PAIRS * 4);
            T_DPBF16PS(x, 2, 5, 6);
            T_DPBF16PS(x, 3, 5, 7);
        }
    }
    T_STORE(x, 0, &acc[0][0], BF_COLS * 4);
    T_STORE(x, 1, &acc[0][16], BF_COLS * 4);
    if (r1) {
        T_STORE(x, 2, &acc[16][0], BF_COLS * 4);
        T_STORE(x, 3, &acc[16][16], BF_COLS * 4);
    }
}

/* Panels [p0, p1) of g with x's tiles. Leaves the tiles released. */
static AMX_FN void bf_gemm_body(amx_ctx *x, const vitopt_bf16_args *g) {
    const int pairs = g->kp / 2, kfull = pairs / BF_PAIRS, ktail = pairs % BF_PAIRS;
    int cfg_r0 = -1, cfg_r1 = -1;
    vitopt_amx_tilecfg cfg;
    const size_t pc = vitopt_bf16_panel_count(g->kp);
    for (int p = g->p0; p < g->p1; p++) {
        const uint16_t *panel = g->packed + pc * (size_t)p;
        _Alignas(64) uint16_t btail[BF_PAIRS][VITOPT_BF16_NR * 2];
        if (ktail) {
            memset(btail, 0, sizeof btail);
            memcpy(btail, panel + (size_t)kfull * BF_PAIRS * VITOPT_BF16_NR * 2, (size_t)ktail * BF_PANEL_ROW);
        }
        for (int h = 0; h < VITOPT_BF16_NR / BF_COLS; h++) {
            const int col0 = p * VITOPT_BF16_NR + h * BF_COLS;
            if (col0 >= g->n) break;
            const int nc = g->n - col0 < BF_COLS ? g->n - col0 : BF_COLS;
            _Alignas(64) float start[16][BF_COLS];
            for (int j = 0; j < BF_COLS; j++) {
                const float b = g->bias && j < nc ? g->bias[col0 + j] : 0.0f;
                for (int i = 0; i < 16; i++) start[i][j] = b;
            }
            for (int m0 = 0; m0 < g->m; m0 += BF_ROWS) {
                const int left = g->m - m0;
                const int r0 = left < 16 ? left : 16, r1 = left <= 16 ? 0 : (left - 16 < 16 ? left - 16 : 16);
                if (r0 != cfg_r0 || r1 != cfg_r1) {
                    bf_config_for(&cfg, r0, r1);
                    T_CFG(x, &cfg);
                    cfg_r0 = r0;
                    cfg_r1 = r1;
                }
                _Alignas(64) float acc[BF_ROWS][BF_COLS];
                bf_block(x, g, panel, &btail[0][0], h, m0, r0, r1, &start[0][0], acc);
                for (int i = 0; i < r0 + r1; i++)
                    memcpy(g->c + (size_t)(m0 + i) * (size_t)g->ldc + col0, acc[i], (size_t)nc * sizeof(float));
                vitopt_bf16_epilogue(g, m0, r0 + r1, col0, nc);
            }
        }
    }
    T_RELEASE(x);
}
