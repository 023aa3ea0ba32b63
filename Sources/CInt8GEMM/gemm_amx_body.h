/* The AMX int8 kernel, written once against amx_tiles.h's T_* operations and included by
 * gemm_amx.c (hardware tiles) and gemm_amx_emulated.c (the portable model). Define AMX_TILES_REAL
 * (or not) and include amx_tiles.h before this file.
 *
 * Tile program over the existing packing (no repacking): a panel is [Kp/4 groups][64 columns][4 bytes],
 * so 16 consecutive k groups of 16 columns are a 16-row × 64-byte tile with row stride 256 — the B
 * operand TDPBUSD wants (row = one k group, dword = one column's 4 bytes). A is 16 activation rows ×
 * 64 bytes (16 k groups) with row stride lda. Each step computes a 32-row × 32-column block:
 *   tmm0..3 = C[i][j] (i: rows 0–15/16–31, j: columns 0–15/16–31 of the half panel), int32 16×64 bytes
 *   tmm4,5  = A rows 0–15 and 16–31; tmm6,7 = B columns 0–15 and 16–31.
 * Tails: fewer than 32 rows left configures tmm0,1,4 and tmm2,3,5 with the remaining rows (tmm2,3,5
 * unused when 16 or fewer); the last Kp mod 64 bytes run from zero-padded copies of the A rows and
 * of the panel's last k groups (zero activations × zero weights add nothing), so every load stays
 * inside the caller's buffers. The accumulators are stored to a 32×32 int32 block and go through the
 * epilogue of CInt8GEMM.h (amx_epilogue.c), so outputs are bit-identical to vitopt_i8_gemm_scalar. */
#include <string.h>

#define AMX_ROWS VITOPT_I8_AMX_BLOCK /* rows per block: two 16-row A tiles */
#define AMX_COLS VITOPT_I8_AMX_BLOCK /* columns per block: two 16-column B tiles */
#define AMX_KBYTES 64               /* activation bytes (k values) per A tile row */
#define AMX_PANEL_ROW (VITOPT_I8_NR * 4) /* bytes of one k group of a panel: the B tiles' row stride */

/* The configuration for a block whose two row tiles hold r0 (1..16) and r1 (0..16) rows. */
static void amx_config_for(vitopt_amx_tilecfg *cfg, int r0, int r1) {
    memset(cfg, 0, sizeof *cfg);
    cfg->palette_id = 1;
    const int rows[VITOPT_AMX_TILES] = {r0, r0, r1, r1, r0, r1, 16, 16};
    for (int t = 0; t < VITOPT_AMX_TILES; t++) {
        cfg->rows[t] = (uint8_t)rows[t];
        cfg->colsb[t] = rows[t] ? AMX_KBYTES : 0;
    }
}

/* C block (rows [m0, m0+r0+r1), half panel h) = A·B over all Kp, accumulators into acc. */
static AMX_FN void amx_block(amx_ctx *x, const vitopt_i8_args *g, const uint8_t *panel, const uint8_t *btail, int h,
                             int m0, int r0, int r1, int32_t acc[AMX_ROWS][AMX_COLS]) {
    const int kfull = g->kp / AMX_KBYTES, ktail = g->kp % AMX_KBYTES;
    const uint8_t *a0 = g->a + (size_t)m0 * g->lda, *a1 = a0 + (size_t)16 * g->lda;
    const uint8_t *b = panel + 2 * h * 64;
    (void)x; /* unused with hardware tiles */
    T_ZERO(x, 0); T_ZERO(x, 1);
    if (r1) { T_ZERO(x, 2); T_ZERO(x, 3); }
    for (int kb = 0; kb < kfull; kb++) {
        const uint8_t *bk = b + (size_t)kb * 16 * AMX_PANEL_ROW;
        T_LOAD(x, 4, a0 + (size_t)kb * AMX_KBYTES, g->lda);
        T_LOAD(x, 6, bk, AMX_PANEL_ROW);
        T_LOAD(x, 7, bk + 64, AMX_PANEL_ROW);
        T_DPBUSD(x, 0, 4, 6);
        T_DPBUSD(x, 1, 4, 7);
        if (r1) {
            T_LOAD(x, 5, a1 + (size_t)kb * AMX_KBYTES, g->lda);
            T_DPBUSD(x, 2, 5, 6);
            T_DPBUSD(x, 3, 5, 7);
        }
    }
    if (ktail) {
        _Alignas(64) uint8_t at[AMX_ROWS][AMX_KBYTES];
        memset(at, 0, sizeof at);
        for (int i = 0; i < r0 + r1; i++) memcpy(at[i], g->a + (size_t)(m0 + i) * g->lda + (size_t)kfull * AMX_KBYTES, (size_t)ktail);
        T_LOAD(x, 4, at[0], AMX_KBYTES);
        T_LOAD(x, 6, btail + 2 * h * 64, AMX_PANEL_ROW);
        T_LOAD(x, 7, btail + 2 * h * 64 + 64, AMX_PANEL_ROW);
        T_DPBUSD(x, 0, 4, 6);
        T_DPBUSD(x, 1, 4, 7);
        if (r1) {
            T_LOAD(x, 5, at[16], AMX_KBYTES);
            T_DPBUSD(x, 2, 5, 6);
            T_DPBUSD(x, 3, 5, 7);
        }
    }
    T_STORE(x, 0, &acc[0][0], AMX_COLS * 4);
    T_STORE(x, 1, &acc[0][16], AMX_COLS * 4);
    if (r1) {
        T_STORE(x, 2, &acc[16][0], AMX_COLS * 4);
        T_STORE(x, 3, &acc[16][16], AMX_COLS * 4);
    }
}

/* Panels [p0, p1) of g, with x's tiles, the epilogue in AVX-512 (simd_epilogue = 1) or scalar code.
 * Leaves the tiles released. */
static AMX_FN void amx_gemm_body(amx_ctx *x, const vitopt_i8_args *g, int simd_epilogue) {
    const int kfull = g->kp / AMX_KBYTES, ktail = g->kp % AMX_KBYTES;
    int cfg_r0 = -1, cfg_r1 = -1;
    vitopt_amx_tilecfg cfg;
    for (int p = g->p0; p < g->p1; p++) {
        const uint8_t *panel = g->packed + g->panel_bytes * (size_t)p;
        /* The panel's last ktail/4 k groups, zero-padded to a full 16-group tile. */
        _Alignas(64) uint8_t btail[16][AMX_PANEL_ROW];
        if (ktail) {
            memset(btail, 0, sizeof btail);
            memcpy(btail, panel + (size_t)kfull * 16 * AMX_PANEL_ROW, (size_t)(ktail / 4) * AMX_PANEL_ROW);
        }
        for (int h = 0; h < VITOPT_I8_NR / AMX_COLS; h++) {
            const int col0 = p * VITOPT_I8_NR + h * AMX_COLS;
            if (col0 >= g->n) break;
            const int nc = g->n - col0 < AMX_COLS ? g->n - col0 : AMX_COLS;
            for (int m0 = 0; m0 < g->m; m0 += AMX_ROWS) {
                const int left = g->m - m0;
                const int r0 = left < 16 ? left : 16, r1 = left <= 16 ? 0 : (left - 16 < 16 ? left - 16 : 16);
                if (r0 != cfg_r0 || r1 != cfg_r1) {
                    amx_config_for(&cfg, r0, r1);
                    T_CFG(x, &cfg);
                    cfg_r0 = r0;
                    cfg_r1 = r1;
                }
                _Alignas(64) int32_t acc[AMX_ROWS][AMX_COLS];
                amx_block(x, g, panel, &btail[0][0], h, m0, r0, r1, acc);
                vitopt_i8_amx_epilogue(g, panel, m0, r0 + r1, col0, h * AMX_COLS, nc, &acc[0][0], simd_epilogue);
            }
        }
    }
    T_RELEASE(x);
}
