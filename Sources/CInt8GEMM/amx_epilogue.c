/* The AMX kernel's epilogue: a stored 32×32 block of int32 accumulators to the output, by the
 * contract of CInt8GEMM.h — the scalar path's expression, or its AVX-512 form (the VNNI path's
 * store_row, bit-identical: the same three roundings in the same order). */
#include <math.h>
#include "internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,avx512bw")))

static AVX512 void epilogue_avx512(const vitopt_i8_args *g, const uint8_t *panel, int m0, int nr, int col0, int c0, int nc,
                                   const int32_t *acc) {
    const int32_t *colsum = vitopt_i8_colsum(panel, g->kp) + c0;
    const float *ws = vitopt_i8_wscale(panel, g->kp) + c0, *bias = vitopt_i8_bias(panel, g->kp) + c0;
    for (int i = 0; i < nr; i++) {
        const int r = m0 + i;
        for (int j = 0; j < nc; j += 16) {
            const __mmask16 mask = nc - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (nc - j)) - 1);
            const __m512i a = _mm512_loadu_si512(acc + (size_t)i * VITOPT_I8_AMX_BLOCK + j);
            const size_t at = (size_t)r * g->ldc + col0 + j;
            if (g->raw) { _mm512_mask_storeu_epi32((int32_t *)g->c + at, mask, a); continue; }
            const __m512i v = _mm512_sub_epi32(a, _mm512_mullo_epi32(_mm512_set1_epi32(g->zp[r]), _mm512_loadu_si512(colsum + j)));
            const __m512 s = _mm512_mul_ps(_mm512_set1_ps(g->a_scale[r]), _mm512_loadu_ps(ws + j));
            __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(v), s, _mm512_loadu_ps(bias + j));
            if (g->residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, g->residual + at));
            _mm512_mask_storeu_ps((float *)g->c + at, mask, y);
        }
    }
}
#endif

static void epilogue_scalar(const vitopt_i8_args *g, const uint8_t *panel, int m0, int nr, int col0, int c0, int nc,
                            const int32_t *acc) {
    const int32_t *colsum = vitopt_i8_colsum(panel, g->kp);
    const float *ws = vitopt_i8_wscale(panel, g->kp), *bias = vitopt_i8_bias(panel, g->kp);
    for (int i = 0; i < nr; i++) {
        const int r = m0 + i;
        for (int j = 0; j < nc; j++) {
            const int c = c0 + j, col = col0 + j;
            const int32_t sum = acc[(size_t)i * VITOPT_I8_AMX_BLOCK + j];
            if (g->raw) {
                ((int32_t *)g->c)[(size_t)r * g->ldc + col] = sum;
            } else {
                const float v = (float)(sum - g->zp[r] * colsum[c]);
                const float s = g->a_scale[r] * ws[c];
                float y = fmaf(v, s, bias[c]);
                if (g->residual) y = y + g->residual[(size_t)r * g->ldc + col];
                ((float *)g->c)[(size_t)r * g->ldc + col] = y;
            }
        }
    }
}

int vitopt_i8_amx_simd_epilogue_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

void vitopt_i8_amx_epilogue(const vitopt_i8_args *g, const uint8_t *panel, int m0, int nr, int col0, int c0, int nc,
                            const int32_t *acc, int simd) {
#if defined(__x86_64__)
    if (simd) { epilogue_avx512(g, panel, m0, nr, col0, c0, nc, acc); return; }
#else
    (void)simd;
#endif
    epilogue_scalar(g, panel, m0, nr, col0, c0, nc, acc);
}
