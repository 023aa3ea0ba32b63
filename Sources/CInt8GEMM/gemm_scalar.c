/* The scalar reference: the contract every SIMD path is tested against, bit for bit. */
#include <math.h>
#include "internal.h"

void vitopt_i8_gemm_scalar(const vitopt_i8_args *g) {
    for (int p = g->p0; p < g->p1; p++) {
        const uint8_t *panel = g->packed + g->panel_bytes * (size_t)p;
        const int8_t *w = (const int8_t *)panel;
        const int32_t *colsum = vitopt_i8_colsum(panel, g->kp);
        const float *ws = vitopt_i8_wscale(panel, g->kp), *bias = vitopt_i8_bias(panel, g->kp);
        for (int r = 0; r < g->m; r++) {
            const uint8_t *a = g->a + (size_t)r * g->lda;
            for (int c = 0; c < VITOPT_I8_NR; c++) {
                const int col = p * VITOPT_I8_NR + c;
                if (col >= g->n) break;
                int32_t acc = 0;
                for (int kg = 0; kg < g->kp / 4; kg++) {
                    const int8_t *b = w + ((size_t)kg * VITOPT_I8_NR + c) * 4;
                    for (int l = 0; l < 4; l++) acc += (int32_t)a[kg * 4 + l] * (int32_t)b[l];
                }
                if (g->raw) {
                    ((int32_t *)g->c)[(size_t)r * g->ldc + col] = acc;
                } else {
                    const float v = (float)(acc - g->zp[r] * colsum[c]);
                    const float s = g->a_scale[r] * ws[c];
                    float y = fmaf(v, s, bias[c]);
                    if (g->residual) y = y + g->residual[(size_t)r * g->ldc + col];
                    ((float *)g->c)[(size_t)r * g->ldc + col] = y;
                }
            }
        }
    }
}
