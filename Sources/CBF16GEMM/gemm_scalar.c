/* The scalar reference: the contract every SIMD path is tested against, bit for bit. */
#include <float.h>
#include <math.h>
#include "internal.h"

/* FTZ: a denormal result becomes a zero of its sign (NaN and the rest pass). */
static inline float flush(float s) { return fabsf(s) < FLT_MIN ? copysignf(0.0f, s) : s; }

void vitopt_bf16_gemm_scalar(const vitopt_bf16_args *g) {
    const int NR = VITOPT_BF16_NR;
    for (int p = g->p0; p < g->p1; p++) {
        const uint16_t *panel = g->packed + vitopt_bf16_panel_count(g->kp) * (size_t)p;
        const int col0 = p * NR, cols = g->n - col0 < NR ? g->n - col0 : NR;
        for (int r = 0; r < g->m; r++) {
            const uint16_t *a = g->a + (size_t)r * (size_t)g->lda;
            for (int c = 0; c < cols; c++) {
                float s = g->bias ? flush(g->bias[col0 + c]) : 0.0f; /* DAZ on the accumulator too */
                for (int pair = 0; pair < g->kp / 2; pair++) {
                    const uint16_t *w = panel + ((size_t)pair * NR + (size_t)c) * 2;
                    s = flush(fmaf(vitopt_bf16_to_f32(a[2 * pair + 1]), vitopt_bf16_to_f32(w[1]), s));
                    s = flush(fmaf(vitopt_bf16_to_f32(a[2 * pair]), vitopt_bf16_to_f32(w[0]), s));
                }
                g->c[(size_t)r * (size_t)g->ldc + col0 + c] = s;
            }
        }
        vitopt_bf16_epilogue(g, 0, g->m, col0, cols);
    }
}
