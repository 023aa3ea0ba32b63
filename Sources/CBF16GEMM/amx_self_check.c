/* The AMX-BF16 path's first-use check: one small product with row, column and pair tails through a kernel,
 * compared with the scalar reference within the AMX contract's bound (CBF16GEMM.h), with and without the
 * residual epilogue. The hardware path runs it once before it is offered, so real tiles that disagree with
 * the emulated program beyond the bound are never dispatched. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* 37 rows (a 32-row block and a 5-row tail), K 70 (two 16-pair blocks and a 3-pair tail), N 100 (a full
 * panel and a 36-column one). */
enum { CHECK_M = 37, CHECK_K = 70, CHECK_N = 100 };

static uint32_t next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* A value in [-1, 1) with some spread of magnitudes, for bf16 operands and the bias. */
static float value(uint32_t *s) { return ldexpf((float)(int)(next(s) % 2001 - 1000) * 1e-3f, -(int)(next(s) % 6)); }

int vitopt_bf16_amx_self_check(void (*kernel)(const vitopt_bf16_args *)) {
    const int kp = vitopt_bf16_padded_k(CHECK_K), panels = vitopt_bf16_panels(CHECK_N);
    const size_t out = (size_t)CHECK_M * CHECK_N, packed_count = vitopt_bf16_packed_count(CHECK_K, CHECK_N);
    float *w = malloc((size_t)CHECK_N * CHECK_K * sizeof(float)), *x = malloc((size_t)CHECK_M * CHECK_K * sizeof(float));
    float *c = malloc(out * 3 * sizeof(float));
    uint16_t *a = calloc((size_t)CHECK_M * (size_t)kp, sizeof(uint16_t));
    uint16_t *packed = aligned_alloc(64, (packed_count * sizeof(uint16_t) + 63) / 64 * 64);
    int ok = w && x && c && a && packed;
    if (ok) {
        float bias[CHECK_N];
        float *res = c + out, *ref = c + 2 * out;
        uint32_t s = 16;
        for (int i = 0; i < CHECK_N * CHECK_K; i++) w[i] = value(&s);
        for (int i = 0; i < CHECK_M * CHECK_K; i++) x[i] = value(&s);
        for (int i = 0; i < CHECK_N; i++) bias[i] = value(&s);
        for (size_t i = 0; i < out; i++) res[i] = value(&s);
        vitopt_bf16_pack(w, CHECK_N, CHECK_K, CHECK_K, packed);
        vitopt_bf16_convert_rows(VITOPT_BF16_SCALAR, x, CHECK_K, CHECK_K, a, kp, 0, CHECK_M);
        for (int epilogue = VITOPT_BF16_EPILOGUE_NONE; epilogue <= VITOPT_BF16_EPILOGUE_RESIDUAL && ok; epilogue += 2) {
            vitopt_bf16_args g = {CHECK_M, CHECK_N, CHECK_K, kp, a, kp, packed, bias, epilogue, res, c, CHECK_N, 0, panels};
            memset(c, 0, out * sizeof(float));
            kernel(&g);
            g.c = ref;
            vitopt_bf16_gemm_scalar(&g);
            for (int r = 0; r < CHECK_M && ok; r++) {
                for (int n = 0; n < CHECK_N && ok; n++) {
                    double magnitude = fabs((double)bias[n]);
                    for (int i = 0; i < CHECK_K; i++)
                        magnitude += fabs((double)vitopt_bf16_to_f32(a[(size_t)r * kp + i]) *
                                          (double)vitopt_bf16_to_f32(vitopt_bf16_from_f32(w[(size_t)n * CHECK_K + i])));
                    const size_t at = (size_t)r * CHECK_N + n;
                    ok = fabs((double)c[at] - (double)ref[at]) <= vitopt_bf16_amx_bound(kp, magnitude) +
                                                                   (epilogue ? 0x1p-23 * (fabs((double)res[at]) + magnitude) : 0.0);
                }
            }
        }
    }
    free(w); free(x); free(c); free(a); free(packed);
    return ok;
}

double vitopt_bf16_amx_bound(int kp, double magnitude) {
    /* Each order rounds at most kp additions, each by at most 2^-24 of a partial sum bounded by
     * `magnitude`; two orders differ by at most twice that. Flushed denormals add below 2^-126 each. */
    return 2.0 * (double)kp * 0x1p-24 * magnitude * 1.0001 + 2.0 * (double)kp * 0x1p-126;
}
