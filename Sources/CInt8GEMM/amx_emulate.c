/* A portable model of the AMX tile instructions vitopt uses (see amx_tiles.h for each one's
 * contract). It runs on any CPU; its purpose is to execute the AMX kernel's exact tile program where
 * the hardware is missing, and to fault where the hardware would. */
#include <string.h>
#include "amx_tiles.h"

static int fault(vitopt_amx_emu *x, int code) {
    if (!x->fault) x->fault = code;
    return 0;
}

/* Whether tile t may be used: a configuration is loaded and t is one of its non-empty tiles. */
static int usable(vitopt_amx_emu *x, int t) {
    if (x->fault) return 0;
    if (!x->configured || t < 0 || t >= VITOPT_AMX_TILES || x->cfg.rows[t] == 0) return fault(x, VITOPT_AMX_UD_UNCONFIGURED);
    return 1;
}

void vitopt_amx_emu_release(vitopt_amx_emu *x) {
    memset(&x->cfg, 0, sizeof x->cfg);
    memset(x->tile, 0, sizeof x->tile);
    x->configured = 0;
}

void vitopt_amx_emu_loadconfig(vitopt_amx_emu *x, const vitopt_amx_tilecfg *cfg) {
    if (x->fault) return;
    if (cfg->palette_id == 0) { vitopt_amx_emu_release(x); return; }
    int ok = cfg->palette_id == 1 && cfg->start_row == 0;
    for (int i = 0; i < 14; i++) ok &= cfg->reserved0[i] == 0;
    for (int t = VITOPT_AMX_TILES; t < 16; t++) ok &= cfg->colsb[t] == 0 && cfg->rows[t] == 0;
    for (int t = 0; t < VITOPT_AMX_TILES; t++) {
        ok &= cfg->rows[t] <= VITOPT_AMX_MAX_ROWS && cfg->colsb[t] <= VITOPT_AMX_MAX_COLSB;
        ok &= (cfg->rows[t] == 0) == (cfg->colsb[t] == 0);
    }
    if (!ok) { fault(x, VITOPT_AMX_GP_CONFIG); return; }
    x->cfg = *cfg;
    memset(x->tile, 0, sizeof x->tile);
    x->configured = 1;
}

void vitopt_amx_emu_zero(vitopt_amx_emu *x, int t) {
    if (!usable(x, t)) return;
    memset(x->tile[t], 0, sizeof x->tile[t]);
}

void vitopt_amx_emu_loadd(vitopt_amx_emu *x, int t, const void *base, ptrdiff_t stride) {
    if (!usable(x, t)) return;
    const int rows = x->cfg.rows[t], colsb = x->cfg.colsb[t];
    memset(x->tile[t], 0, sizeof x->tile[t]);
    for (int r = 0; r < rows; r++) memcpy(x->tile[t][r], (const uint8_t *)base + (ptrdiff_t)r * stride, (size_t)colsb);
}

void vitopt_amx_emu_stored(vitopt_amx_emu *x, int t, void *base, ptrdiff_t stride) {
    if (!usable(x, t)) return;
    const int rows = x->cfg.rows[t], colsb = x->cfg.colsb[t];
    for (int r = 0; r < rows; r++) memcpy((uint8_t *)base + (ptrdiff_t)r * stride, x->tile[t][r], (size_t)colsb);
}

void vitopt_amx_emu_dpbusd(vitopt_amx_emu *x, int d, int a, int b) {
    if (!usable(x, d) || !usable(x, a) || !usable(x, b)) return;
    const vitopt_amx_tilecfg *c = &x->cfg;
    if (d == a || d == b || a == b || c->colsb[a] % 4 != 0 || c->colsb[d] % 4 != 0 || c->rows[a] != c->rows[d] ||
        c->rows[b] != c->colsb[a] / 4 || c->colsb[b] != c->colsb[d]) {
        fault(x, VITOPT_AMX_UD_SHAPE);
        return;
    }
    uint8_t out[VITOPT_AMX_MAX_ROWS][VITOPT_AMX_MAX_COLSB];
    memset(out, 0, sizeof out);
    for (int m = 0; m < c->rows[d]; m++) {
        for (int n = 0; n < c->colsb[d] / 4; n++) {
            uint32_t acc;
            memcpy(&acc, &x->tile[d][m][4 * n], 4);
            for (int k = 0; k < c->colsb[a] / 4; k++) {
                /* The four products of a group summed in int32 (|Σ| <= 4·255·128, exact), then added
                 * with wraparound, as the SDM's DPBD. */
                int32_t s = 0;
                for (int l = 0; l < 4; l++) s += (int32_t)x->tile[a][m][4 * k + l] * (int32_t)(int8_t)x->tile[b][k][4 * n + l];
                acc += (uint32_t)s;
            }
            memcpy(&out[m][4 * n], &acc, 4);
        }
    }
    memcpy(x->tile[d], out, sizeof out);
}
