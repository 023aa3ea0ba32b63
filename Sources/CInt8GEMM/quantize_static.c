/* Static (calibrated) activation quantization: every row with one fixed scale and zero point, as
 * ONNX QuantizeLinear with a u8 zero point. Values outside the calibrated range saturate to 0 or 255. */
#include "internal.h"

void vitopt_i8_quantize_rows_static_on(int simd, const float *x, int m, int k, int ldx, float scale, int32_t zp,
                                       uint8_t *a, int lda) {
    const float z = (float)zp;
    const int kp = vitopt_i8_padded_k(k);
    for (int r = 0; r < m; r++) {
        const float *row = x + (size_t)r * ldx;
        uint8_t *out = a + (size_t)r * lda;
#if defined(__x86_64__)
        if (simd && vitopt_i8_use_avx512_quantizer()) vitopt_i8_quantize_span_avx512(row, k, scale, z, out);
        else vitopt_i8_quantize_span_scalar(row, k, scale, z, out);
#else
        (void)simd;
        vitopt_i8_quantize_span_scalar(row, k, scale, z, out);
#endif
        for (int i = k; i < kp; i++) out[i] = 0;
    }
}

void vitopt_i8_quantize_rows_static(const float *x, int m, int k, int ldx, float scale, int32_t zp, uint8_t *a, int lda) {
    vitopt_i8_quantize_rows_static_on(1, x, m, k, ldx, scale, zp, a, lda);
}
