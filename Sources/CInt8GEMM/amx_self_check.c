/* The AMX path's first-use check: one small product with row, column and K tails through a kernel,
 * compared bit for bit with the scalar path (raw int32 and fp32 with residual). The hardware path
 * runs it once before it is offered, so a kernel that the emulator passed but real tiles disagree
 * with is never dispatched. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* 37 rows (a 32-row block and a 5-row tail), K 130 (two 64-byte blocks and a 4-byte tail), N 100
 * (a full panel and a 36-column one). */
enum { CHECK_M = 37, CHECK_K = 130, CHECK_N = 100 };

static uint32_t next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

int vitopt_i8_amx_self_check(void (*kernel)(const vitopt_i8_args *)) {
    const int kp = vitopt_i8_padded_k(CHECK_K), panels = vitopt_i8_panels(CHECK_N);
    const size_t packed_bytes = vitopt_i8_packed_bytes(CHECK_K, CHECK_N), out = (size_t)CHECK_M * CHECK_N;
    uint8_t *a = calloc((size_t)CHECK_M * kp, 1);
    int8_t *w = malloc((size_t)CHECK_N * CHECK_K);
    void *packed = aligned_alloc(64, (packed_bytes + 63) / 64 * 64);
    float *c = malloc(out * sizeof(float) * 4);
    int ok = a && w && packed && c;
    if (ok) {
        float ws[CHECK_N], bias[CHECK_N], as[CHECK_M];
        int32_t zp[CHECK_M];
        float *res = c + 2 * out, *ref = c + 3 * out;
        uint32_t s = 15;
        for (int r = 0; r < CHECK_M; r++) {
            for (int i = 0; i < CHECK_K; i++) a[(size_t)r * kp + i] = (uint8_t)next(&s);
            as[r] = (float)(next(&s) % 1000 + 1) * 1e-4f;
            zp[r] = (int32_t)(next(&s) % 256);
        }
        for (int i = 0; i < CHECK_N * CHECK_K; i++) w[i] = (int8_t)(int)(next(&s) % 255 - 127);
        for (int n = 0; n < CHECK_N; n++) { ws[n] = (float)(next(&s) % 1000 + 1) * 1e-5f; bias[n] = (float)(int)(next(&s) % 2001 - 1000) * 1e-3f; }
        for (size_t i = 0; i < out; i++) res[i] = (float)(int)(next(&s) % 2001 - 1000) * 1e-3f;
        vitopt_i8_pack(w, CHECK_K, CHECK_N, ws, bias, packed);
        for (int raw = 0; raw < 2 && ok; raw++) {
            vitopt_i8_args g = {raw, CHECK_M, CHECK_K, kp, CHECK_N, a, kp, zp, as, packed, vitopt_i8_panel_bytes(CHECK_K),
                                0, panels, c, CHECK_N, raw ? 0 : res, 0};
            memset(c, 0, out * sizeof(float));
            kernel(&g);
            g.c = ref;
            memset(ref, 0xFF, out * sizeof(float));
            vitopt_i8_gemm_scalar(&g);
            ok = memcmp(c, ref, out * sizeof(float)) == 0;
        }
    }
    free(a); free(w); free(packed); free(c);
    return ok;
}
