/*
 * One attention head on the AVX-512 kernels, query tile by query tile, so a tile's scores stay in L1:
 * S = Q·Kᵀ (14 rows × all keys), softmax of scale·S per row, then O = P·V into the head's columns.
 * The arithmetic is exactly the unfused path's (the same tile kernel over the same packed operands,
 * the same softmax), so the result is bit-identical to composing vitopt_sgemm_packed_ex and
 * vitopt_vsoftmax_rows_scaled (row by row).
 */
#include "CFloatGEMM.h"
#include "sgemm_internal.h"
#include <string.h>

#define MR 14
#define NRW VITOPT_SGEMM_NR

long vitopt_attention_scratch_size(int t, int dh) {
    long kp = vitopt_sgemm_packed_size(t, dh), vp = vitopt_sgemm_packed_size(dh, t);
    long qa = (long)((t + MR - 1) / MR) * dh * 16, pa = (long)t * 16;
    long s = (long)MR * ((t + NRW - 1) / NRW) * NRW, o = (long)MR * NRW;
    /* Each part rounded up to 16 floats keeps every part 64-byte aligned. */
    return ((kp + 15) / 16 + (vp + 15) / 16 + (qa + 15) / 16 + (pa + 15) / 16 + (s + 15) / 16 + (o + 15) / 16) * 16;
}

int vitopt_attention_head(int path, int t, int dh, const float *q, const float *k, const float *v, int ld, float scale,
                          float *out, int ldo, float *scratch) {
    if (path != VITOPT_SGEMM_AVX512 || vitopt_sgemm_best_path() < VITOPT_SGEMM_AVX512) return 0;
#if defined(__x86_64__)
    const int kpanels = (t + NRW - 1) / NRW, vpanels = (dh + NRW - 1) / NRW, lds = kpanels * NRW;
    float *kp = scratch;
    float *vp = kp + (vitopt_sgemm_packed_size(t, dh) + 15) / 16 * 16;
    float *qa = vp + (vitopt_sgemm_packed_size(dh, t) + 15) / 16 * 16;
    float *pa = qa + ((long)((t + MR - 1) / MR) * dh * 16 + 15) / 16 * 16;
    float *s = pa + ((long)t * 16 + 15) / 16 * 16;
    float *edge = s + ((long)MR * lds + 15) / 16 * 16;
    vitopt_sgemm_pack(k, t, dh, ld, kp);
    vitopt_sgemm_pack_kmajor(v, dh, t, ld, vp);
    vitopt_pack_a_avx512(t, dh, q, ld, qa);
    for (int i0 = 0, tile = 0; i0 < t; i0 += MR, tile++) {
        const int rows = t - i0 < MR ? t - i0 : MR;
        for (int p = 0; p < kpanels; p++) {
            const int cols = t - p * NRW < NRW ? t - p * NRW : NRW;
            vitopt_tile_avx512(rows, cols <= 16, dh, qa + (long)tile * dh * 16, kp + (long)p * NRW * dh, 0, 0, s + p * NRW, lds, 0);
        }
        vitopt_vsoftmax_rows_strided(path, s, rows, t, lds, scale);
        vitopt_pack_a_avx512(rows, t, s, lds, pa);
        for (int p = 0; p < vpanels; p++) {
            const int cols = dh - p * NRW < NRW ? dh - p * NRW : NRW;
            float *dst = out + (long)i0 * ldo + p * NRW;
            if (cols == NRW) {
                vitopt_tile_avx512(rows, 0, t, pa, vp + (long)p * NRW * t, 0, 0, dst, ldo, 0);
            } else {
                vitopt_tile_avx512(rows, cols <= 16, t, pa, vp + (long)p * NRW * t, 0, 0, edge, NRW, 0);
                for (int r = 0; r < rows; r++) memcpy(dst + (long)r * ldo, edge + (long)r * NRW, sizeof(float) * cols);
            }
        }
    }
    return 1;
#else
    (void)t; (void)dh; (void)q; (void)k; (void)v; (void)ld; (void)scale; (void)out; (void)ldo; (void)scratch;
    return 0;
#endif
}
