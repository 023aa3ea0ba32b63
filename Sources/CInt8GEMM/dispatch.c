/* Packing, activation quantization, CPU detection and dispatch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

int vitopt_i8_cpu_supports(int kernel) {
    switch (kernel) {
    case VITOPT_I8_SCALAR: return 1;
#if defined(__x86_64__) || defined(__i386__)
    case VITOPT_I8_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case VITOPT_I8_AVX512VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vnni");
    case VITOPT_I8_AMX: return vitopt_i8_amx_available();
#endif
    default: return 0;
    }
}

int vitopt_i8_padded_k(int k) { return (k + 3) & ~3; }
int vitopt_i8_panels(int n) { return (n + VITOPT_I8_NR - 1) / VITOPT_I8_NR; }
size_t vitopt_i8_panel_bytes(int k) { return (size_t)vitopt_i8_padded_k(k) * VITOPT_I8_NR + 3 * VITOPT_I8_NR * 4; }
size_t vitopt_i8_packed_bytes(int k, int n) { return vitopt_i8_panel_bytes(k) * (size_t)vitopt_i8_panels(n); }

void vitopt_i8_pack(const int8_t *w, int k, int n, const float *w_scale, const float *bias, void *packed) {
    const int kp = vitopt_i8_padded_k(k), panels = vitopt_i8_panels(n);
    const size_t pb = vitopt_i8_panel_bytes(k);
    memset(packed, 0, pb * (size_t)panels);
    for (int p = 0; p < panels; p++) {
        uint8_t *panel = (uint8_t *)packed + pb * (size_t)p;
        int8_t *dst = (int8_t *)panel;
        int32_t *colsum = (int32_t *)vitopt_i8_colsum(panel, kp);
        float *scale = (float *)vitopt_i8_wscale(panel, kp), *b = (float *)vitopt_i8_bias(panel, kp);
        for (int c = 0; c < VITOPT_I8_NR; c++) {
            const int col = p * VITOPT_I8_NR + c;
            if (col >= n) break;
            const int8_t *src = w + (size_t)col * k;
            int32_t sum = 0;
            for (int kk = 0; kk < k; kk++) {
                dst[((size_t)(kk >> 2) * VITOPT_I8_NR + c) * 4 + (kk & 3)] = src[kk];
                sum += src[kk];
            }
            colsum[c] = sum;
            scale[c] = w_scale[col];
            b[c] = bias ? bias[col] : 0.0f;
        }
    }
}

void vitopt_i8_scale_for_range(float lo, float hi, float *scale, int32_t *zp) {
    if (lo > 0) lo = 0;
    if (hi < 0) hi = 0;
    float s = (hi - lo) / 255.0f;
    if (!(s > 0) || !isfinite(s)) s = 1.0f;
    float z = nearbyintf(-lo / s);
    if (z < 0) z = 0;
    if (z > 255) z = 255;
    *scale = s;
    *zp = (int32_t)z;
}

void vitopt_i8_quantize_row_range(const float *x, int k, float lo, float hi, uint8_t *a, float *scale, int32_t *zp) {
    vitopt_i8_quantize_row_range_on(vitopt_i8_use_avx512_quantizer(), x, k, lo, hi, a, scale, zp);
}

void vitopt_i8_quantize_row_range_on(int simd, const float *x, int k, float lo, float hi, uint8_t *a, float *scale,
                                     int32_t *zp) {
    vitopt_i8_scale_for_range(lo, hi, scale, zp);
    const float s = *scale, z = (float)*zp;
#if defined(__x86_64__)
    if (simd && vitopt_i8_use_avx512_quantizer()) vitopt_i8_quantize_span_avx512(x, k, s, z, a);
    else vitopt_i8_quantize_span_scalar(x, k, s, z, a);
#else
    (void)simd;
    vitopt_i8_quantize_span_scalar(x, k, s, z, a);
#endif
    for (int i = k; i < vitopt_i8_padded_k(k); i++) a[i] = 0;
}

void vitopt_i8_quantize_span_scalar(const float *x, int k, float s, float z, uint8_t *a) {
    /* Round half to even by adding and subtracting 1.5·2^23: exact for |x/s| < 2^22; beyond that
     * the sum is off by a few units, far past 255 either way, so the clamp still saturates. Same
     * result as nearbyintf in the default rounding mode, but it vectorises (nearbyintf is a
     * library call without SSE4.1); the compiler may not fold (v + c) - c without -ffast-math.
     * `!(q >= 0)` sends NaN to 0 before the conversion, which would be undefined for NaN. */
    const float magic = 12582912.0f;
    for (int i = 0; i < k; i++) {
        float q = ((x[i] / s) + magic) - magic + z;
        q = !(q >= 0) ? 0 : (q > 255 ? 255 : q);
        a[i] = (uint8_t)q;
    }
}

/* The AVX-512 quantizer loops, when the CPU has AVX-512 and VITOPT_INT8_KERNEL does not ask for a
 * narrower path (so forcing avx2/scalar exercises the portable loops too). */
int vitopt_i8_use_avx512_quantizer(void) {
    static int use = -1;
    if (use < 0) {
        const char *e = getenv("VITOPT_INT8_KERNEL");
        int forced_narrow = e && (strcasecmp(e, "scalar") == 0 || strcasecmp(e, "avx2") == 0);
#if defined(__x86_64__)
        __builtin_cpu_init();
        use = !forced_narrow && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
        (void)forced_narrow;
        use = 0;
#endif
    }
    return use;
}

void vitopt_i8_row_range(const float *x, int k, float *lo, float *hi) {
#if defined(__x86_64__)
    if (vitopt_i8_use_avx512_quantizer()) { vitopt_i8_row_range_avx512(x, k, lo, hi); return; }
#endif
    float l = 0, h = 0;
    for (int i = 0; i < k; i++) { l = x[i] < l ? x[i] : l; h = x[i] > h ? x[i] : h; }
    *lo = l; *hi = h;
}

void vitopt_i8_quantize_rows(const float *x, int m, int k, int ldx, int per_tensor,
                             uint8_t *a, int lda, float *scale, int32_t *zp) {
    if (per_tensor) {
        float lo = 0, hi = 0;
        for (int r = 0; r < m; r++) {
            float l, h; vitopt_i8_row_range(x + (size_t)r * ldx, k, &l, &h);
            lo = l < lo ? l : lo; hi = h > hi ? h : hi;
        }
        for (int r = 0; r < m; r++)
            vitopt_i8_quantize_row_range(x + (size_t)r * ldx, k, lo, hi, a + (size_t)r * lda, scale + r, zp + r);
        return;
    }
    for (int r = 0; r < m; r++) {
        float lo, hi; vitopt_i8_row_range(x + (size_t)r * ldx, k, &lo, &hi);
        vitopt_i8_quantize_row_range(x + (size_t)r * ldx, k, lo, hi, a + (size_t)r * lda, scale + r, zp + r);
    }
}

void vitopt_i8_gemm(int kernel, int raw, int m, int k, int n, const uint8_t *a, int lda,
                    const int32_t *zp, const float *a_scale, const void *packed,
                    int panel_begin, int panel_end, void *c, int ldc, const float *residual) {
    vitopt_i8_args g = {raw, m, k, vitopt_i8_padded_k(k), n, a, lda, zp, a_scale, (const uint8_t *)packed,
                        vitopt_i8_panel_bytes(k), panel_begin, panel_end, c, ldc, raw ? 0 : residual,
                        !raw && (size_t)m * (size_t)ldc * sizeof(float) >= VITOPT_I8_STREAM_BYTES};
    if (m <= 0 || panel_begin >= panel_end) return;
    if (!vitopt_i8_cpu_supports(kernel)) kernel = VITOPT_I8_SCALAR;
    switch (kernel) {
    case VITOPT_I8_AMX: vitopt_i8_gemm_amx(&g); break;
    case VITOPT_I8_AVX512VNNI: vitopt_i8_gemm_avx512vnni(&g); break;
    case VITOPT_I8_AVX2: vitopt_i8_gemm_avx2(&g); break;
    default: vitopt_i8_gemm_scalar(&g); break;
    }
}
