/* AMX detection shared by the int8 and bf16 kernels: CPUID feature bits, the OS's tile-state enable
 * (XCR0), and Linux's per-process permission for the tile data. */
#include "amx_tiles.h"
#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

/* XCR0 (the OS's XSAVE enables); only called when CPUID says OSXSAVE. */
static uint64_t xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

int vitopt_amx_cpu_has(int bit) {
    unsigned a, b, c, d;
    if (bit < 0 || bit > 31) return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0; /* OSXSAVE */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!(d & (1u << VITOPT_AMX_TILE_BIT)) || !(d & (1u << bit))) return 0;
    const uint64_t tiles = (1ull << 17) | (1ull << 18); /* XTILECFG, XTILEDATA */
    return (xcr0() & tiles) == tiles;
}

static int granted;
static pthread_once_t asked = PTHREAD_ONCE_INIT;

static void ask(void) { granted = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0; }

int vitopt_amx_request_permission(void) {
    pthread_once(&asked, ask);
    return granted;
}
#else
int vitopt_amx_cpu_has(int bit) { (void)bit; return 0; }
int vitopt_amx_request_permission(void) { return 0; }
#endif
