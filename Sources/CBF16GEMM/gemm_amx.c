/* The AMX-BF16 path on the hardware: CPU, OS and permission checks (CAMXTiles' amx_os.c), and the kernel
 * body of gemm_amx_body.h on real tiles. Compiled with per-function target attributes only; dispatch
 * runs it only after vitopt_bf16_amx_status() said ready, which includes the first-use self-check on the
 * real tiles (amx_self_check.c). */
#include "internal.h"
#if defined(__x86_64__) && defined(__linux__)
#define AMX_TILES_REAL 1
#include <pthread.h>
#include "amx_tiles.h"
#include "gemm_amx_body.h"

static int amx_status = VITOPT_BF16_AMX_NO_CPU;
static pthread_once_t amx_once = PTHREAD_ONCE_INIT;

static void amx_probe(void) {
    if (!vitopt_amx_cpu_has(VITOPT_AMX_BF16_BIT)) amx_status = VITOPT_BF16_AMX_NO_CPU;
    else if (!vitopt_amx_request_permission()) amx_status = VITOPT_BF16_AMX_NO_PERMISSION;
    else amx_status = vitopt_bf16_amx_self_check(vitopt_bf16_gemm_amx) ? VITOPT_BF16_AMX_READY : VITOPT_BF16_AMX_SELF_CHECK_FAILED;
}

int vitopt_bf16_amx_status(void) {
    pthread_once(&amx_once, amx_probe);
    return amx_status;
}

AMX_FN void vitopt_bf16_gemm_amx(const vitopt_bf16_args *g) {
    amx_ctx x;
    bf_gemm_body(&x, g);
}
#else
int vitopt_bf16_amx_status(void) { return VITOPT_BF16_AMX_NO_CPU; }
void vitopt_bf16_gemm_amx(const vitopt_bf16_args *g) { vitopt_bf16_gemm_scalar(g); }
#endif
