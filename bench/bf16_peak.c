/* Peak throughput of VDPBF16PS next to VFMADD231PS on one core: 24 independent zmm accumulators,
 * nothing else in the loop. It says how fast a bf16 GEMM built on VDPBF16PS can possibly be here,
 * relative to an fp32 one (the ratio is what matters: clocks vary). Usage: bf16_peak [ROUNDS]. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16"))) static double dpbf16(long n) {
    __m512 c[24];
    for (int i = 0; i < 24; i++) c[i] = _mm512_set1_ps((float)i);
    const __m512bh a = (__m512bh)_mm512_set1_epi32(0x3F803F80), b = (__m512bh)_mm512_set1_epi32(0x3F803F80);
    double t = now();
    for (long i = 0; i < n; i++) {
#pragma GCC unroll 24
        for (int j = 0; j < 24; j++) { c[j] = _mm512_dpbf16_ps(c[j], a, b); __asm__ volatile("" : "+v"(c[j])); }
    }
    t = now() - t;
    float s = 0;
    for (int i = 0; i < 24; i++) s += _mm512_reduce_add_ps(c[i]);
    if (s == 1) printf(" ");
    return 24.0 * (double)n * 64 / t / 1e9; /* 16 lanes × 2 products × 2 flops */
}

__attribute__((target("avx512f"))) static double fma32(long n) {
    __m512 c[24];
    for (int i = 0; i < 24; i++) c[i] = _mm512_set1_ps((float)i);
    const __m512 a = _mm512_set1_ps(1.0001f), b = _mm512_set1_ps(0.9999f);
    double t = now();
    for (long i = 0; i < n; i++) {
#pragma GCC unroll 24
        for (int j = 0; j < 24; j++) { c[j] = _mm512_fmadd_ps(a, b, c[j]); __asm__ volatile("" : "+v"(c[j])); }
    }
    t = now() - t;
    float s = 0;
    for (int i = 0; i < 24; i++) s += _mm512_reduce_add_ps(c[i]);
    if (s == 1) printf(" ");
    return 24.0 * (double)n * 32 / t / 1e9; /* 16 lanes × 2 flops */
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512bf16")) { printf("{\"avx512bf16\": false}\n"); return 0; }
    double best_bf = 0, best_fp = 0;
    for (int r = 0; r < rounds; r++) {
        double f = fma32(20000000), b = dpbf16(20000000);
        if (f > best_fp) best_fp = f;
        if (b > best_bf) best_bf = b;
    }
    printf("{\"vdpbf16ps_gflops\": %.1f, \"vfmadd231ps_gflops\": %.1f, \"ratio\": %.2f}\n", best_bf, best_fp, best_bf / best_fp);
    return 0;
}
