/* AVX-512 versions of the activation quantizer's two row loops, bit-identical to the scalar ones in
 * dispatch.c: the same IEEE division, round-half-even by ±1.5·2^23, clamp and truncation per element,
 * and min/max that keep the running value when the element is NaN (as `x < l ? x : l` does). */
#include "internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define T512 __attribute__((target("avx512f,avx512bw")))

T512 void vitopt_i8_quantize_span_avx512(const float *x, int k, float s, float z, uint8_t *a) {
    const __m512 vs = _mm512_set1_ps(s), vz = _mm512_set1_ps(z), magic = _mm512_set1_ps(12582912.0f);
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(255.0f);
    int i = 0;
    for (; i < k; i += 16) {
        const int left = k - i;
        const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 q = _mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), vs);
        q = _mm512_add_ps(_mm512_sub_ps(_mm512_add_ps(q, magic), magic), vz);
        /* q < 0 ? 0 : (q > 255 ? 255 : q) */
        q = _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, zero, _CMP_LT_OQ), zero);
        q = _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, top, _CMP_GT_OQ), top);
        _mm512_mask_cvtepi32_storeu_epi8(a + i, m, _mm512_cvttps_epi32(q));
    }
}

T512 void vitopt_i8_row_range_avx512(const float *x, int k, float *lo, float *hi) {
    __m512 l = _mm512_setzero_ps(), h = _mm512_setzero_ps();
    int i = 0;
    for (; i + 16 <= k; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        l = _mm512_min_ps(v, l);
        h = _mm512_max_ps(v, h);
    }
    float lanes_l[16], lanes_h[16];
    _mm512_storeu_ps(lanes_l, l);
    _mm512_storeu_ps(lanes_h, h);
    float fl = 0, fh = 0;
    for (int j = 0; j < 16; j++) { fl = lanes_l[j] < fl ? lanes_l[j] : fl; fh = lanes_h[j] > fh ? lanes_h[j] : fh; }
    for (; i < k; i++) { fl = x[i] < fl ? x[i] : fl; fh = x[i] > fh ? x[i] : fh; }
    *lo = fl; *hi = fh;
}
#endif
