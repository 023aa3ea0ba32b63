/* The AMX int8 path on the hardware: CPU, OS and permission checks (CAMXTiles' amx_os.c), and the
 * kernel body of gemm_amx_body.h on real tiles. Compiled with per-function target attributes only;
 * vitopt_i8_gemm calls it only after vitopt_i8_amx_available() said yes (which includes a self-check of
 * the kernel against the scalar path on the real tiles). */
#include "internal.h"
#if defined(__x86_64__) && defined(__linux__)
#define AMX_TILES_REAL 1
#include <pthread.h>
#include "amx_tiles.h"
#include "gemm_amx_body.h"

static int amx_status = VITOPT_I8_AMX_NO_CPU;
static pthread_once_t amx_once = PTHREAD_ONCE_INIT;

/* The CPU and OS (amx_os.c), then Linux's permission for the tile data (a kernel that refuses or
 * predates it means AMX is not supported here), then the kernel's self-check on the real tiles. */
static void amx_probe(void) {
    if (!vitopt_amx_cpu_has(VITOPT_AMX_INT8_BIT)) amx_status = VITOPT_I8_AMX_NO_CPU;
    else if (!vitopt_amx_request_permission()) amx_status = VITOPT_I8_AMX_NO_PERMISSION;
    else amx_status = vitopt_i8_amx_self_check(vitopt_i8_gemm_amx) ? VITOPT_I8_AMX_READY : VITOPT_I8_AMX_SELF_CHECK_FAILED;
}

int vitopt_i8_amx_status(void) {
    pthread_once(&amx_once, amx_probe);
    return amx_status;
}

int vitopt_i8_amx_available(void) { return vitopt_i8_amx_status() == VITOPT_I8_AMX_READY; }

AMX_FN void vitopt_i8_gemm_amx(const vitopt_i8_args *g) {
    amx_ctx x;
    amx_gemm_body(&x, g, 1); /* every AMX CPU has AVX-512 */
}
#else
int vitopt_i8_amx_status(void) { return VITOPT_I8_AMX_NO_CPU; }
int vitopt_i8_amx_available(void) { return 0; }
void vitopt_i8_gemm_amx(const vitopt_i8_args *g) { vitopt_i8_gemm_scalar(g); }
#endif
