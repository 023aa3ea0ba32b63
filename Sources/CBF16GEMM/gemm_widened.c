/* The widened path: bf16 values widened to fp32 once (the weights at packing, the activations per call),
 * each pair stored odd element first, and vitopt's fp32 GEMM run over them under MXCSR FTZ/DAZ. The fp32
 * GEMM computes each output as one fused multiply-add chain over k ascending from the bias
 * (CFloatGEMM.h), so over the swapped pairs it is exactly the contract's chain (odd, then even, per pair,
 * each result flushed): the same bits as every other path, at the fp32 kernel's speed — the fastest bf16
 * path where neither VDPBF16PS nor AMX outruns the fp32 FMA units. The weights take fp32's memory. Needs an
 * FMA path of the fp32 GEMM (AVX2 or AVX-512) and x86's MXCSR. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "CFloatGEMM.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

int vitopt_bf16_widened_supported(void) {
#if defined(__x86_64__)
    return vitopt_sgemm_best_path() >= VITOPT_SGEMM_AVX2;
#else
    return 0;
#endif
}

/* x rounded to bf16 and widened, pairs swapped (odd element first), zero-padded to kp. */
static void widen_row(const float *x, int k, int kp, float *out) {
    for (int i = 0; i < kp; i++) {
        const int src = i ^ 1; /* position 2q holds k = 2q+1, position 2q+1 holds k = 2q */
        out[i] = src < k ? vitopt_bf16_to_f32(vitopt_bf16_from_f32(x[src])) : 0.0f;
    }
}

long vitopt_bf16_widened_packed_size(int k, int n) { return vitopt_sgemm_packed_size(n, vitopt_bf16_padded_k(k)); }

int vitopt_bf16_pack_widened(const float *w, int n, int k, int ldw, float *packed) {
    const int kp = vitopt_bf16_padded_k(k);
    float *rows = malloc((size_t)n * (size_t)kp * sizeof(float));
    if (!rows) return 0;
    for (int c = 0; c < n; c++) widen_row(w + (size_t)c * (size_t)ldw, k, kp, rows + (size_t)c * (size_t)kp);
    vitopt_sgemm_pack(rows, n, kp, kp, packed);
    free(rows);
    return 1;
}

void vitopt_bf16_widen_rows(const float *x, int k, int ldx, float *out, int ldo, int row0, int row1) {
    const int kp = vitopt_bf16_padded_k(k);
    for (int r = row0; r < row1; r++) widen_row(x + (size_t)r * (size_t)ldx, k, kp, out + (size_t)r * (size_t)ldo);
}

void vitopt_bf16_gemm_widened(int m, int n, int k, const float *a, int lda, const float *apacked, const float *packed,
                              const float *bias, int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1) {
    if (m <= 0 || n <= 0 || panel0 >= panel1) return;
    const int kp = vitopt_bf16_padded_k(k), path = vitopt_sgemm_best_path();
    if (epilogue == VITOPT_BF16_EPILOGUE_RESIDUAL && !residual) epilogue = VITOPT_BF16_EPILOGUE_NONE;
#if defined(__x86_64__)
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040u); /* FTZ and DAZ for the sums, as VDPBF16PS; the epilogue in the caller's mode */
#endif
    vitopt_sgemm_packed_ex(path, m, n, kp, a, lda, apacked, packed, bias, VITOPT_EPILOGUE_NONE, 0, c, ldc, panel0, panel1);
#if defined(__x86_64__)
    _mm_setcsr(csr);
#endif
    const int col0 = panel0 * VITOPT_SGEMM_NR, col1 = panel1 * VITOPT_SGEMM_NR < n ? panel1 * VITOPT_SGEMM_NR : n;
    const vitopt_bf16_args g = {m, n, k, kp, 0, 0, 0, bias, epilogue, residual, c, ldc, 0, 0};
    if (col1 > col0) vitopt_bf16_epilogue(&g, 0, m, col0, col1 - col0);
}
