/* The AMX int8 path on the hardware: CPU and OS detection, the Linux permission request, and the
 * kernel body of gemm_amx_body.h on real tiles. Compiled with per-function target attributes only;
 * vitopt_i8_gemm calls it only after vitopt_i8_amx_available() said yes (which includes a self-check of
 * the kernel against the scalar path on the real tiles). */
#include "internal.h"
#if defined(__x86_64__) && defined(__linux__)
#define AMX_TILES_REAL 1
#include <cpuid.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "amx_tiles.h"
#include "gemm_amx_body.h"

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

/* XCR0 (the OS's XSAVE enables); only called when CPUID says OSXSAVE. */
static uint64_t xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* CPUID: AMX-TILE (leaf 7 EDX bit 24) and AMX-INT8 (bit 25); the OS saves tile state: OSXSAVE
 * (leaf 1 ECX bit 27) and XCR0 bits 17 (XTILECFG) and 18 (XTILEDATA). */
static int cpu_has_amx_int8(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!(d & (1u << 24)) || !(d & (1u << 25))) return 0;
    const uint64_t tiles = (1ull << 17) | (1ull << 18);
    return (xcr0() & tiles) == tiles;
}

static int amx_status = VITOPT_I8_AMX_NO_CPU;
static pthread_once_t amx_once = PTHREAD_ONCE_INIT;

/* Linux (5.16+) keeps tile data disabled until the process asks: the permission is per process and
 * granted once; a kernel that refuses (or predates it) means AMX is not supported here. Then the
 * kernel must pass its self-check on the real tiles before it is offered. */
static void amx_probe(void) {
    if (!cpu_has_amx_int8()) amx_status = VITOPT_I8_AMX_NO_CPU;
    else if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) amx_status = VITOPT_I8_AMX_NO_PERMISSION;
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
