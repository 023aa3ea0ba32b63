/* The AMX tile operations vitopt's int8 and bf16 kernels use, in two interchangeable forms:
 *   - AMX_TILES_REAL: the hardware instructions (ldtilecfg, tilezero, tileloadd, tdpbusd, tdpbf16ps,
 *     tilestored, tilerelease) through their intrinsics, in functions compiled with
 *     target("amx-tile,amx-int8,amx-bf16");
 *   - otherwise: vitopt_amx_emu_*, a portable C model of the same instructions' architectural effect
 *     (Intel SDM, AMX chapter), used to verify the kernel on CPUs without AMX.
 * Each kernel body (CInt8GEMM's gemm_amx_body.h, CBF16GEMM's gemm_amx_body.h) is written once against the
 * T_* macros below and compiled in both forms, so the emulated run executes exactly the tile program the
 * hardware would.
 *
 * Tile numbers passed to T_* must be integer literals (the instructions encode them as immediates). */
#ifndef VITOPT_AMX_TILES_H
#define VITOPT_AMX_TILES_H
#include <stddef.h>
#include <stdint.h>

/* The 64-byte LDTILECFG operand (palette 1: 8 tiles of at most 16 rows × 64 bytes). Bytes 2–15,
 * 32–47 and 56–63 are reserved and must be zero; an unused tile has rows = colsb = 0. */
typedef struct {
    uint8_t palette_id;
    uint8_t start_row;
    uint8_t reserved0[14];
    uint16_t colsb[16]; /* only tiles 0–7 exist in palette 1; entries 8–15 are reserved */
    uint8_t rows[16];   /* likewise */
} __attribute__((aligned(64))) vitopt_amx_tilecfg;
_Static_assert(sizeof(vitopt_amx_tilecfg) == 64, "LDTILECFG reads 64 bytes");

#define VITOPT_AMX_TILES 8
#define VITOPT_AMX_MAX_ROWS 16
#define VITOPT_AMX_MAX_COLSB 64

/* Fault codes of the emulator: what the hardware would raise, first one recorded. */
enum {
    VITOPT_AMX_OK = 0,
    VITOPT_AMX_GP_CONFIG = 1,      /* #GP: LDTILECFG with an invalid palette, reserved bits or sizes */
    VITOPT_AMX_UD_UNCONFIGURED = 2, /* #UD: a tile instruction with no configuration, or on an unused tile */
    VITOPT_AMX_UD_SHAPE = 3,       /* #UD: TDPBUSD/TDPBF16PS operands whose shapes do not chain, or repeated tiles */
};

/* Emulated architectural state: the configuration and 8 tiles of 16 × 64 bytes. */
typedef struct {
    vitopt_amx_tilecfg cfg;
    int configured; /* palette 1 loaded */
    int fault;      /* first VITOPT_AMX_* fault; later instructions are then no-ops */
    uint8_t tile[VITOPT_AMX_TILES][VITOPT_AMX_MAX_ROWS][VITOPT_AMX_MAX_COLSB];
} vitopt_amx_emu;

/* LDTILECFG: palette 0 = TILERELEASE; palette 1 validated (reserved bytes zero, start_row 0, rows <= 16,
 * colsb <= 64, rows and colsb both zero or both non-zero), tiles zeroed. Anything else: #GP. */
void vitopt_amx_emu_loadconfig(vitopt_amx_emu *x, const vitopt_amx_tilecfg *cfg);
/* TILERELEASE: back to the init state (no configuration, tiles zero). */
void vitopt_amx_emu_release(vitopt_amx_emu *x);
/* TILEZERO: every byte of tile t zero. */
void vitopt_amx_emu_zero(vitopt_amx_emu *x, int t);
/* TILELOADD: rows [0, rows) get colsb bytes from base + r·stride, the rest of each row and the rows
 * beyond `rows` become zero. */
void vitopt_amx_emu_loadd(vitopt_amx_emu *x, int t, const void *base, ptrdiff_t stride);
/* TILESTORED: rows [0, rows) × colsb bytes to base + r·stride; nothing else is written. */
void vitopt_amx_emu_stored(vitopt_amx_emu *x, int t, void *base, ptrdiff_t stride);
/* TDPBUSD d += a·b: for row m < d.rows and dword n < d.colsb/4,
 *   d[m].dword[n] += Σ_{k < a.colsb/4} Σ_{l<4} zx(a[m].byte[4k+l]) · sx(b[k].byte[4n+l])
 * in int32 with wraparound; requires a.rows = d.rows, b.rows = a.colsb/4, b.colsb = d.colsb and three
 * distinct configured tiles (else #UD). */
void vitopt_amx_emu_dpbusd(vitopt_amx_emu *x, int d, int a, int b);
/* TDPBF16PS d += a·b in fp32: for row m < d.rows and dword n < d.colsb/4, with the same shape rules as
 * TDPBUSD, each dword of a and b read as a pair of bf16 (element 0 in the low half):
 *   for k < a.colsb/4 ascending:
 *     d[m].fp32[n] = fma(a[m].bf16[2k],   b[k].bf16[2n],   d[m].fp32[n])
 *     d[m].fp32[n] = fma(a[m].bf16[2k+1], b[k].bf16[2n+1], d[m].fp32[n])
 * each step rounded to nearest even, bf16 and accumulator denormals read as zero, a denormal result
 * flushed to a zero of its sign (MXCSR ignored). That is the even-then-odd order of Intel's intrinsics
 * guide; the SDM's text can also be read as summing a pair's two products before the accumulator, so the
 * hardware is held to a tolerance (CBF16GEMM.h), and this model to its own order bit for bit. */
void vitopt_amx_emu_dpbf16ps(vitopt_amx_emu *x, int d, int a, int b);

/* Leaf 7 EDX bits of the AMX features, for vitopt_amx_cpu_has. */
enum { VITOPT_AMX_BF16_BIT = 22, VITOPT_AMX_TILE_BIT = 24, VITOPT_AMX_INT8_BIT = 25 };

/* Whether the CPU has AMX-TILE and the feature `bit` (VITOPT_AMX_INT8_BIT or VITOPT_AMX_BF16_BIT) and the
 * OS saves tile state (CPUID OSXSAVE, XCR0 bits 17 and 18). 0 off x86-64 Linux. */
int vitopt_amx_cpu_has(int bit);

/* Linux (5.16+) keeps tile data disabled until the process asks (arch_prctl ARCH_REQ_XCOMP_PERM for
 * XTILEDATA): asked once per process; 1 when granted, 0 when refused or off Linux. */
int vitopt_amx_request_permission(void);

#if defined(AMX_TILES_REAL)
#include <immintrin.h>
#define AMX_FN __attribute__((target("amx-tile,amx-int8,amx-bf16")))
typedef struct { char unused; } amx_ctx;
#define T_CFG(x, cfg) _tile_loadconfig(cfg)
#define T_RELEASE(x) _tile_release()
#define T_ZERO(x, t) _tile_zero(t)
/* GCC's tileloadd is an asm statement without a memory operand: the compiler barrier keeps stores
 * into the zero-padded tail copies ahead of the loads that read them. */
#define T_LOAD(x, t, base, stride) do { __asm__ volatile("" ::: "memory"); _tile_loadd(t, base, stride); } while (0)
#define T_STORE(x, t, base, stride) _tile_stored(t, base, stride)
#define T_DPBUSD(x, d, a, b) _tile_dpbusd(d, a, b)
#define T_DPBF16PS(x, d, a, b) _tile_dpbf16ps(d, a, b)
#else
#define AMX_FN
typedef vitopt_amx_emu amx_ctx;
#define T_CFG(x, cfg) vitopt_amx_emu_loadconfig(x, cfg)
#define T_RELEASE(x) vitopt_amx_emu_release(x)
#define T_ZERO(x, t) vitopt_amx_emu_zero(x, t)
#define T_LOAD(x, t, base, stride) vitopt_amx_emu_loadd(x, t, base, stride)
#define T_STORE(x, t, base, stride) vitopt_amx_emu_stored(x, t, base, stride)
#define T_DPBUSD(x, d, a, b) vitopt_amx_emu_dpbusd(x, d, a, b)
#define T_DPBF16PS(x, d, a, b) vitopt_amx_emu_dpbf16ps(x, d, a, b)
#endif
#endif
