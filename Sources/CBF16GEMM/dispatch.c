/* CPU detection, rounding, packing, and dispatch to the per-ISA kernels. */
#include <string.h>
#include "internal.h"
#include "CFloatGEMM.h"

int vitopt_bf16_cpu_supports(int path) {
    switch (path) {
    case VITOPT_BF16_SCALAR: return 1;
#if defined(__x86_64__)
    case VITOPT_BF16_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case VITOPT_BF16_AVX512BF16:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
    case VITOPT_BF16_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
    case VITOPT_BF16_AMX:
        return vitopt_bf16_amx_status() == VITOPT_BF16_AMX_READY;
    case VITOPT_BF16_WIDENED:
        return vitopt_bf16_widened_supported();
#endif
    default: return 0;
    }
}

int vitopt_bf16_padded_k(int k) { return (k + 1) & ~1; }
int vitopt_bf16_panels(int n) { return (n + VITOPT_BF16_NR - 1) / VITOPT_BF16_NR; }
size_t vitopt_bf16_packed_count(int k, int n) { return vitopt_bf16_panel_count(vitopt_bf16_padded_k(k)) * (size_t)vitopt_bf16_panels(n); }

uint16_t vitopt_bf16_from_f32(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const uint32_t exponent = u & 0x7F800000u, mantissa = u & 0x007FFFFFu;
    if (exponent == 0) return (uint16_t)((u >> 16) & 0x8000u);      /* zero or denormal: signed zero */
    if (exponent == 0x7F800000u)                                      /* infinity kept; NaN kept, made quiet */
        return (uint16_t)(mantissa ? ((u >> 16) | 0x0040u) : (u >> 16));
    u += 0x7FFFu + ((u >> 16) & 1u);                                  /* nearest, ties to even (may reach infinity) */
    return (uint16_t)(u >> 16);
}

float vitopt_bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

void vitopt_bf16_pack(const float *w, int n, int k, int ldw, uint16_t *packed) {
    const int kp = vitopt_bf16_padded_k(k), panels = vitopt_bf16_panels(n);
    const size_t pc = vitopt_bf16_panel_count(kp);
    memset(packed, 0, pc * (size_t)panels * sizeof(uint16_t));
    for (int p = 0; p < panels; p++) {
        uint16_t *dst = packed + pc * (size_t)p;
        for (int c = 0; c < VITOPT_BF16_NR; c++) {
            const int col = p * VITOPT_BF16_NR + c;
            if (col >= n) break;
            const float *src = w + (size_t)col * (size_t)ldw;
            for (int kk = 0; kk < k; kk++)
                dst[((size_t)(kk >> 1) * VITOPT_BF16_NR + (size_t)c) * 2 + (size_t)(kk & 1)] = vitopt_bf16_from_f32(src[kk]);
        }
    }
}

void vitopt_bf16_convert_rows(int path, const float *x, int k, int ldx, uint16_t *a, int lda, int row0, int row1) {
    const int kp = vitopt_bf16_padded_k(k);
    const int simd = (path == VITOPT_BF16_AVX512BF16 || path == VITOPT_BF16_AMX) && vitopt_bf16_cpu_supports(VITOPT_BF16_AVX512BF16);
    for (int r = row0; r < row1; r++) {
        const float *src = x + (size_t)r * (size_t)ldx;
        uint16_t *dst = a + (size_t)r * (size_t)lda;
#if defined(__x86_64__)
        if (simd) vitopt_bf16_convert_row_avx512bf16(src, k, dst);
        else
#endif
            for (int kk = 0; kk < k; kk++) dst[kk] = vitopt_bf16_from_f32(src[kk]);
        (void)simd;
        for (int kk = k; kk < kp; kk++) dst[kk] = 0;
    }
}

void vitopt_bf16_epilogue(const vitopt_bf16_args *g, int r0, int rows, int col0, int cols) {
    if (cols <= 0) return;
    for (int i = r0; i < r0 + rows; i++) {
        float *row = g->c + (size_t)i * (size_t)g->ldc + col0;
        if (g->epilogue == VITOPT_BF16_EPILOGUE_GELU) {
            vitopt_vgelu(vitopt_sgemm_best_path(), row, row, cols);
        } else if (g->epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL) {
            const float *res = g->residual + (size_t)i * (size_t)g->ldc + col0;
            for (int j = 0; j < cols; j++) row[j] = row[j] + res[j];
        }
    }
}

void vitopt_bf16_gemm(int path, int m, int n, int k, const uint16_t *a, int lda, const uint16_t *packed,
                      const float *bias, int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1) {
    if (m <= 0 || n <= 0 || panel0 >= panel1) return;
    if (epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL && !residual) epilogue = VITOPT_BF16_EPILOGUE_NONE;
    vitopt_bf16_args g = {m, n, k, vitopt_bf16_padded_k(k), a, lda, packed, bias, epilogue, residual, c, ldc, panel0, panel1};
    if (!vitopt_bf16_cpu_supports(path)) path = VITOPT_BF16_SCALAR;
    switch (path) {
    case VITOPT_BF16_AMX: vitopt_bf16_gemm_amx(&g); break;
    case VITOPT_BF16_AVX512BF16: vitopt_bf16_gemm_avx512bf16(&g); break;
    case VITOPT_BF16_AVX512: vitopt_bf16_gemm_avx512(&g); break;
    case VITOPT_BF16_AVX2: vitopt_bf16_gemm_avx2(&g); break;
    default: vitopt_bf16_gemm_scalar(&g); break;
    }
}
