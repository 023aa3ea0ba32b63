/* The AMX-BF16 kernel's tile program run on the portable tile model (CAMXTiles' amx_emulate.c): a
 * test-only path, never dispatched, that verifies the kernel on CPUs without AMX. */
#include <string.h>
#include "internal.h"
#include "amx_tiles.h"
#include "gemm_amx_body.h"

int vitopt_bf16_gemm_amx_emulated(int m, int n, int k, const uint16_t *a, int lda, const uint16_t *packed, const float *bias,
                                  int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1) {
    if (m <= 0 || n <= 0 || panel0 >= panel1) return VITOPT_AMX_OK;
    if (epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL && !residual) epilogue = VITOPT_BF16_EPILOGUE_NONE;
    vitopt_bf16_args g = {m, n, k, vitopt_bf16_padded_k(k), a, lda, packed, bias, epilogue, residual, c, ldc, panel0, panel1};
    static _Thread_local vitopt_amx_emu x;
    vitopt_amx_emu_release(&x);
    x.fault = VITOPT_AMX_OK;
    bf_gemm_body(&x, &g);
    return x.fault;
}

/* The emulated kernel as a self-check subject: a fault fills C with NaN, which fails the check. */
static void emulated_kernel(const vitopt_bf16_args *g) {
    static _Thread_local vitopt_amx_emu x;
    vitopt_amx_emu_release(&x);
    x.fault = VITOPT_AMX_OK;
    bf_gemm_body(&x, g);
    if (x.fault) memset(g->c, 0xFF, (size_t)g->m * (size_t)g->ldc * sizeof(float));
}

int vitopt_bf16_amx_emulated_self_check(void) { return vitopt_bf16_amx_self_check(emulated_kernel); }
