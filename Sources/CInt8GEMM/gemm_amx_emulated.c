/* The AMX kernel's tile program run on the portable tile model (amx_emulate.c): a test-only path,
 * never dispatched, that verifies the kernel bit-exact on CPUs without AMX. */
#include "internal.h"
#include "amx_tiles.h"
#include "gemm_amx_body.h"

int vitopt_i8_gemm_amx_emulated(int raw, int m, int k, int n, const uint8_t *a, int lda, const int32_t *zp,
                                const float *a_scale, const void *packed, int panel_begin, int panel_end, void *c, int ldc,
                                const float *residual, int simd_epilogue) {
    vitopt_i8_args g = {raw, m, k, vitopt_i8_padded_k(k), n, a, lda, zp, a_scale, (const uint8_t *)packed,
                        vitopt_i8_panel_bytes(k), panel_begin, panel_end, c, ldc, raw ? 0 : residual, 0};
    if (m <= 0 || panel_begin >= panel_end) return VITOPT_AMX_OK;
    static _Thread_local vitopt_amx_emu x;
    vitopt_amx_emu_release(&x);
    x.fault = VITOPT_AMX_OK;
    amx_gemm_body(&x, &g, simd_epilogue && vitopt_i8_amx_simd_epilogue_supported());
    return x.fault;
}

int vitopt_amx_emu_check_config(const void *cfg64) {
    vitopt_amx_emu x;
    vitopt_amx_emu_release(&x);
    x.fault = VITOPT_AMX_OK;
    vitopt_amx_tilecfg cfg;
    memcpy(&cfg, cfg64, sizeof cfg);
    vitopt_amx_emu_loadconfig(&x, &cfg);
    return x.fault;
}

/* The emulated kernel with the AVX-512 epilogue where the CPU has it, as a self-check subject. */
static void emulated_kernel(const vitopt_i8_args *g) {
    static _Thread_local vitopt_amx_emu x;
    vitopt_amx_emu_release(&x);
    x.fault = VITOPT_AMX_OK;
    amx_gemm_body(&x, g, vitopt_i8_amx_simd_epilogue_supported());
    if (x.fault) memset(g->c, 0xFF, (size_t)g->m * (size_t)g->ldc * 4); /* a fault fails the check */
}

int vitopt_i8_amx_emulated_self_check(void) { return vitopt_i8_amx_self_check(emulated_kernel); }
