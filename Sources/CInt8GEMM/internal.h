/* Shared between the packing/dispatch code and the per-ISA kernels. */
#ifndef VITOPT_CINT8GEMM_INTERNAL_H
#define VITOPT_CINT8GEMM_INTERNAL_H
#include "include/CInt8GEMM.h"

/* fp32 outputs of at least this many bytes (twice a large per-core L2) bypass the caches: at batch 8
 * the read-for-ownership of every output line cost the VNNI kernel ~10% (measured A/B). */
#define VITOPT_I8_STREAM_BYTES ((size_t)4 << 20)

/* Arguments common to every kernel, for the panels [p0, p1). */
typedef struct {
    int raw, m, k, kp, n;
    const uint8_t *a; int lda;
    const int32_t *zp; const float *a_scale;
    const uint8_t *packed; size_t panel_bytes;
    int p0, p1;
    void *c; int ldc;
    const float *residual; /* NULL, or [m][ldc] floats added to the fp32 output */
    int stream;            /* write full fp32 output lines with non-temporal stores (output far larger than L2) */
} vitopt_i8_args;

/* Where the column sums, scales and biases of a panel start. */
static inline const int32_t *vitopt_i8_colsum(const uint8_t *panel, int kp) { return (const int32_t *)(panel + (size_t)kp * VITOPT_I8_NR); }
static inline const float *vitopt_i8_wscale(const uint8_t *panel, int kp) { return (const float *)(panel + (size_t)kp * VITOPT_I8_NR) + VITOPT_I8_NR; }
static inline const float *vitopt_i8_bias(const uint8_t *panel, int kp) { return (const float *)(panel + (size_t)kp * VITOPT_I8_NR) + 2 * VITOPT_I8_NR; }

void vitopt_i8_gemm_scalar(const vitopt_i8_args *g);
/* AVX-512 row loops of the quantizer (quantize_simd.c); callers check the CPU first. */
void vitopt_i8_quantize_span_avx512(const float *x, int k, float s, float z, uint8_t *a);
/* The portable twin of the AVX-512 span loop: a[i] = clamp(round_half_even(x[i] / s) + z, 0, 255),
 * bit-identical to it for every input, NaN included (NaN becomes 0, as the AVX-512 truncating
 * conversion makes it). */
void vitopt_i8_quantize_span_scalar(const float *x, int k, float s, float z, uint8_t *a);
void vitopt_i8_row_range_avx512(const float *x, int k, float *lo, float *hi);
int vitopt_i8_use_avx512_quantizer(void);
void vitopt_i8_gemm_avx2(const vitopt_i8_args *g);
void vitopt_i8_gemm_avx512vnni(const vitopt_i8_args *g);
/* AMX (gemm_amx.c): whether the CPU, the OS and the process permission allow tiles; the kernel. */
int vitopt_i8_amx_available(void);
void vitopt_i8_gemm_amx(const vitopt_i8_args *g);
/* amx_self_check.c: 1 when `kernel` matches the scalar path bit for bit on a small product with every
 * kind of tail (raw and fp32 + residual), 0 when it does not or memory ran out. */
int vitopt_i8_amx_self_check(void (*kernel)(const vitopt_i8_args *));
/* Rows and columns of the AMX kernel's accumulator block (two 16-row A tiles × two 16-column B tiles). */
#define VITOPT_I8_AMX_BLOCK 32
/* amx_epilogue.c: a VITOPT_I8_AMX_BLOCK² int32 block (row stride VITOPT_I8_AMX_BLOCK) holding rows
 * [m0, m0+nr) and output columns [col0, col0+nc) (panel columns [c0, c0+nc)) through the epilogue of
 * CInt8GEMM.h: simd = 1 uses AVX-512 (only where vitopt_i8_amx_simd_epilogue_supported()), 0 the
 * scalar loop; bit-identical. */
void vitopt_i8_amx_epilogue(const vitopt_i8_args *g, const uint8_t *panel, int m0, int nr, int col0, int c0, int nc,
                            const int32_t *acc, int simd);
#endif
