/* vitopt's int8 GEMM micro-kernels: u8 activations × s8 weights → s32, with a fused fp32 epilogue.
 *
 * Weights are packed once (vitopt_i8_pack) into panels of VITOPT_I8_NR output columns. Inside a panel,
 * k runs in groups of 4 consecutive values per column — the 4 bytes one VNNI vpdpbusd lane consumes:
 *   panel p, group g, column c, lane l  ->  byte (g * NR + c) * 4 + l   holds  W[p*NR + c][4g + l]
 * K is padded to a multiple of 4 and N to a multiple of NR with zero weights. After the Kp*NR weight
 * bytes each panel holds, for its NR columns, int32 column sums (Σ_k W[n][k]), float weight scales
 * and float biases (0 for padding).
 *
 * Activations are u8 rows of stride lda >= Kp (a multiple of 4), bytes K..Kp-1 of each row zero.
 *
 * Numerical contract: the int32 accumulator Σ_k a[m][k]·W[n][k] is exact on every path (|acc| <=
 * 255·127·K < 2^31 for K <= 66000). The fp32 epilogue is, on every path,
 *   c[m][n] = fmaf((float)(acc - zp[m]·colsum[n]), a_scale[m] * w_scale[n], bias[n])
 * (one rounding for the int→float conversion, one for the scale product, one for the fused
 * multiply-add), so every path writes bit-identical floats.
 */
#ifndef VITOPT_CINT8GEMM_H
#define VITOPT_CINT8GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Output columns per packed panel. */
#define VITOPT_I8_NR 64

/* Kernel paths. */
enum {
    VITOPT_I8_SCALAR = 0,
    VITOPT_I8_AVX2 = 1,
    VITOPT_I8_AVX512VNNI = 2,
    VITOPT_I8_AMX = 3, /* AMX-INT8 tdpbusd (gemm_amx.c): CPU, OS and Linux permission checked */
};

/* Why VITOPT_I8_AMX is or is not offered (vitopt_i8_amx_status; probed once per process). */
enum {
    VITOPT_I8_AMX_READY = 0,             /* CPU, OS, permission and the kernel's self-check all good */
    VITOPT_I8_AMX_NO_CPU = 1,            /* no AMX-TILE/AMX-INT8 in CPUID, or the OS does not enable tile state (XCR0) */
    VITOPT_I8_AMX_NO_PERMISSION = 2,     /* Linux refused ARCH_REQ_XCOMP_PERM for XTILEDATA */
    VITOPT_I8_AMX_SELF_CHECK_FAILED = 3, /* the kernel disagreed with the scalar path on the real tiles */
};
int vitopt_i8_amx_status(void);

/* Whether this CPU can run `kernel`. */
int vitopt_i8_cpu_supports(int kernel);

/* K rounded up to a multiple of 4. */
int vitopt_i8_padded_k(int k);

/* Number of panels for N output columns. */
int vitopt_i8_panels(int n);

/* Bytes of one packed panel for K inputs. */
size_t vitopt_i8_panel_bytes(int k);

/* Bytes of the whole packed weight. */
size_t vitopt_i8_packed_bytes(int k, int n);

/* Packs w ([n][k] row-major, PyTorch's Linear layout), its per-column scales and bias (NULL for none)
 * into `packed` (vitopt_i8_packed_bytes(k, n) bytes, 64-byte aligned recommended). */
void vitopt_i8_pack(const int8_t *w, int k, int n, const float *w_scale, const float *bias, void *packed);

/* Quantizes rows of x ([m][k], stride ldx floats) to u8 rows of stride lda (>= padded k, zero padding).
 * per_tensor = 0: one scale and zero point per row; 1: one for the whole matrix (all entries of
 * scale/zp equal). Scale = (max(0, hi) - min(0, lo)) / 255 (1 when that is 0), zp = clamp(round(-lo' / scale)),
 * q = clamp(rint(x / scale) + zp, 0, 255) with round-half-to-even, as ONNX DynamicQuantizeLinear. */
void vitopt_i8_quantize_rows(const float *x, int m, int k, int ldx, int per_tensor,
                             uint8_t *a, int lda, float *scale, int32_t *zp);

/* Quantizes one row with a given range (for fused producers that already know min/max). */
void vitopt_i8_quantize_row_range(const float *x, int k, float lo, float hi, uint8_t *a, float *scale, int32_t *zp);

/* vitopt_i8_quantize_row_range on the portable loop (simd = 0) or the AVX-512 one where the CPU has it
 * (simd = 1): the two are bit-identical (tested). */
void vitopt_i8_quantize_row_range_on(int simd, const float *x, int k, float lo, float hi, uint8_t *a, float *scale,
                                     int32_t *zp);

/* The range [min(0, min x), max(0, max x)] of one row (NaNs skipped). */
void vitopt_i8_row_range(const float *x, int k, float *lo, float *hi);

/* The scale/zero point for a range [lo, hi] (widened to include 0). */
void vitopt_i8_scale_for_range(float lo, float hi, float *scale, int32_t *zp);

/* Quantizes m rows of x with one fixed (calibrated) scale > 0 and zero point in [0, 255]:
 * q = clamp(rint(x / scale) + zp, 0, 255), round half to even, x / scale a true division (ONNX
 * QuantizeLinear with a u8 zero point); values outside the calibrated range saturate, NaN gives 0.
 * Rows have stride ldx floats in x and lda bytes in a (>= padded k, padding zeroed). */
void vitopt_i8_quantize_rows_static(const float *x, int m, int k, int ldx, float scale, int32_t zp, uint8_t *a, int lda);

/* vitopt_i8_quantize_rows_static on the portable loop (simd = 0) or the AVX-512 one where the CPU has it
 * (simd = 1): bit-identical (tested). */
void vitopt_i8_quantize_rows_static_on(int simd, const float *x, int m, int k, int ldx, float scale, int32_t zp,
                                       uint8_t *a, int lda);

/* C[m][n] for panels [panel_begin, panel_end) with `kernel`:
 *   raw = 0: the fp32 epilogue above into c (float, stride ldc), plus residual[m][n] when residual is
 *            not NULL (c = fmaf(...) + residual; stride ldc, must not alias c);
 *   raw = 1: the raw int32 accumulators into c (int32, stride ldc) — zp, scales, bias and residual unused.
 * Columns >= n are not written. */
void vitopt_i8_gemm(int kernel, int raw, int m, int k, int n, const uint8_t *a, int lda,
                    const int32_t *zp, const float *a_scale, const void *packed,
                    int panel_begin, int panel_end, void *c, int ldc, const float *residual);

/* Test only, never dispatched: vitopt_i8_gemm's arguments run through the AMX kernel's tile program
 * on a portable model of the tile instructions (amx_tiles.h), on any CPU. Returns 0, or the first
 * fault the hardware would have raised (1: #GP on LDTILECFG, 2: #UD unconfigured tile, 3: #UD
 * operand shapes), in which case c is unspecified. simd_epilogue = 1 applies the epilogue with AVX-512
 * as the hardware path does (where vitopt_i8_amx_simd_epilogue_supported() says the CPU can; else the
 * scalar loop), 0 with the scalar loop. */
int vitopt_i8_gemm_amx_emulated(int raw, int m, int k, int n, const uint8_t *a, int lda, const int32_t *zp,
                                const float *a_scale, const void *packed, int panel_begin, int panel_end, void *c, int ldc,
                                const float *residual, int simd_epilogue);

/* Test only: the first-use self-check (as the hardware path runs it) on the emulated kernel: 1 passed. */
int vitopt_i8_amx_emulated_self_check(void);

/* Whether this CPU runs the AMX kernel's AVX-512 epilogue (every AMX CPU does). */
int vitopt_i8_amx_simd_epilogue_supported(void);

/* Test only: the emulator's LDTILECFG check of a 64-byte configuration (0 valid, 1 #GP). */
int vitopt_amx_emu_check_config(const void *cfg64);

#ifdef __cplusplus
}
#endif
#endif
