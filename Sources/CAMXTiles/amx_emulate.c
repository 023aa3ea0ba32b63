/* A portable model of the AMX tile instructions vitopt uses (see amx_tiles.h for each one's
 * contract). It runs on any CPU; its purpose is to execute the AMX kernel's exact tile program where
 * the hardware is missing, and to fault where the hardware would. */
#include <float.h>
#include <math.h>
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

/* Whether d += a·b chains (TDPBUSD's and TDPBF16PS's #UD rules); records the fault if not. */
static int chains(vitopt_amx_emu *x, int d, int a, int b) {
    if (!usable(x, d) || !usable(x, a) || !usable(x, b)) return 0;
    const vitopt_amx_tilecfg *c = &x->cfg;
    if (d == a || d == b || a == b || c->colsb[a] % 4 != 0 || c->colsb[d] % 4 != 0 || c->rows[a] != c->rows[d] ||
        c->rows[b] != c->colsb[a] / 4 || c->colsb[b] != c->colsb[d])
        return fault(x, VITOPT_AMX_UD_SHAPE);
    return 1;
}

/* A denormal (or zero) read as a zero of its sign: DAZ. */
static float daz(float v) { return fabsf(v) < FLT_MIN ? copysignf(0.0f, v) : v; }

/* The bf16 at byte offset `at` of a tile row, widened exactly to fp32, a denormal read as zero. */
static float bf16_at(const uint8_t *row, int at) {
    const uint32_t u = (uint32_t)row[at] << 16 | (uint32_t)row[at + 1] << 24;
    float v;
    memcpy(&v, &u, sizeof v);
    return daz(v);
}

/* One dword of d += a·b: row m, dword n, from d's current value; written to out. */
typedef void (*dword_op)(const vitopt_amx_emu *x, int d, int a, int b, int m, int n, uint8_t out[4]);

/* The dot-product instructions' common frame: shapes checked, every dword of d computed from the old
 * tiles into a fresh tile (rows and bytes beyond d's shape zero), then d replaced. */
static void dot_product(vitopt_amx_emu *x, int d, int a, int b, dword_op op) {
    if (!chains(x, d, a, b)) return;
    uint8_t out[VITOPT_AMX_MAX_ROWS][VITOPT_AMX_MAX_COLSB];
    memset(out, 0, sizeof out);
    for (int m = 0; m < x->cfg.rows[d]; m++)
        for (int n = 0; n < x->cfg.colsb[d] / 4; n++) op(x, d, a, b, m, n, &out[m][4 * n]);
    memcpy(x->tile[d], out, sizeof out);
}

/* TDPBUSD: the four products of a group summed in int32 (|Σ| <= 4·255·128, exact), then added with
 * wraparound, as the SDM's DPBD. */
static void dpbusd_dword(const vitopt_amx_emu *x, int d, int a, int b, int m, int n, uint8_t out[4]) {
    uint32_t acc;
    memcpy(&acc, &x->tile[d][m][4 * n], 4);
    for (int k = 0; k < x->cfg.colsb[a] / 4; k++) {
        int32_t s = 0;
        for (int l = 0; l < 4; l++) s += (int32_t)x->tile[a][m][4 * k + l] * (int32_t)(int8_t)x->tile[b][k][4 * n + l];
        acc += (uint32_t)s;
    }
    memcpy(out, &acc, 4);
}

/* TDPBF16PS in the stated order (amx_tiles.h): per pair, the even then the odd product. */
static void dpbf16ps_dword(const vitopt_amx_emu *x, int d, int a, int b, int m, int n, uint8_t out[4]) {
    float acc;
    memcpy(&acc, &x->tile[d][m][4 * n], 4);
    acc = daz(acc);
    for (int k = 0; k < x->cfg.colsb[a] / 4; k++) {
        acc = daz(fmaf(bf16_at(x->tile[a][m], 4 * k), bf16_at(x->tile[b][k], 4 * n), acc));
        acc = daz(fmaf(bf16_at(x->tile[a][m], 4 * k + 2), bf16_at(x->tile[b][k], 4 * n + 2), acc));
    }
    memcpy(out, &acc, 4);
}

void vitopt_amx_emu_dpbusd(vitopt_amx_emu *x, int d, int a, int b) { dot_product(x, d, a, b, dpbusd_dword); }

void vitopt_amx_emu_dpbf16ps(vitopt_amx_emu *x, int d, int a, int b) { dot_product(x, d, a, b, dpbf16ps_dword); }
