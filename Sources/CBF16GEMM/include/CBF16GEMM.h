/* vitopt's bf16 GEMM micro-kernels: fp32 activations rounded to bf16 × bf16 weights, fp32 accumulation,
 * with the fp32 GEMM's fused epilogues (bias, erf-GELU, residual add).
 *
 *   C[m][n] = epilogue(bias[n] + Σ_k bf16(A[m][k]) · W[n][k])
 *
 * Rounding to bf16 (vitopt_bf16_from_f32, used for A at run time and for W once at packing): round to
 * nearest, ties to even, as PyTorch's `.to(torch.bfloat16)` and VCVTNEPS2BF16 do; a NaN stays a (quiet)
 * NaN and infinities stay infinite; fp32 denormals become a zero of the same sign (as VCVTNEPS2BF16
 * does; PyTorch keeps them as bf16 denormals, which VDPBF16PS reads as zero anyway, so no product
 * differs).
 *
 * Weights are packed once (vitopt_bf16_pack) into panels of VITOPT_BF16_NR output columns. Inside a
 * panel, k runs in pairs — the two bf16 values one VDPBF16PS lane consumes:
 *   panel p, pair g, column c, lane l  ->  element (g * NR + c) * 2 + l  holds  bf16(W[p*NR + c][2g + l])
 * K is padded to an even count and N to a multiple of NR with zeros. One pair row of a panel is
 * NR * 4 = 256 bytes: 16 rows of it, loaded with a 256-byte stride, are an AMX-BF16 B tile of 16 columns
 * (the VNNI layout TDPBF16PS reads), so an AMX path can use the same packed weights.
 *
 * Activations are bf16 rows of stride lda >= padded K (vitopt_bf16_convert_rows), the pad zero.
 *
 * Numerical contract (every path, bit for bit): each output starts from its bias (0 without one) and
 * takes, for each pair g in ascending order, two fp32 fused multiply-adds — first the odd element
 * (k = 2g+1), then the even one (k = 2g) — each result with a denormal flushed to a zero of its sign.
 * That is VDPBF16PS's definition (fp32 FMA, DAZ in, FTZ out, round to nearest even, MXCSR ignored); the
 * products of two bf16 values are exact in fp32, so only the additions round. Paths may differ in
 * which NaN payload they return, and where a sum rounds to exactly FLT_MIN from just below (x86 flushes
 * on tininess after rounding, the scalar reference on the rounded denormal). The epilogue is then
 * the fp32 GEMM's: erf-GELU by vitopt_vgelu, or one fp32 add of the residual.
 *
 * The AMX path (TDPBF16PS) is the exception: Intel documents that instruction's rounding per step but not
 * unambiguously the order of a pair's two products (the intrinsics guide adds the even then the odd one
 * into the accumulator; the SDM can be read as summing the pair first), so it is held to a bound instead
 * of bits: before the epilogue, |c − c_scalar| <= vitopt_bf16_amx_bound(Kp, |bias| + Σ_k |a_k·w_k|)
 * (the products are exact in fp32; only the at most Kp additions of either order round). Its tile
 * program is verified bit for bit on a model of the stated even-then-odd order
 * (vitopt_bf16_gemm_amx_emulated), and on the hardware against the bound, once per process before it is
 * offered.
 */
#ifndef VITOPT_CBF16GEMM_H
#define VITOPT_CBF16GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Output columns per packed panel. */
#define VITOPT_BF16_NR 64

/* Kernel paths. */
enum {
    VITOPT_BF16_SCALAR = 0,     /* the reference: portable C */
    VITOPT_BF16_AVX2 = 1,       /* AVX2 + FMA emulation in fp32 (bf16 widened by a shift), for CPUs without AVX512-BF16 */
    VITOPT_BF16_AVX512BF16 = 2, /* VDPBF16PS, 6 × 64 register tile */
    VITOPT_BF16_AVX512 = 3,     /* AVX-512F emulation on the fp32 FMA units, 4 × 64 tile: faster than VDPBF16PS where that
                                   instruction runs below the FMA rate */
    VITOPT_BF16_AMX = 4,        /* AMX-BF16 TDPBF16PS, 32 × 32 tile blocks (gemm_amx.c): CPU, OS, Linux permission and a
                                   self-check against the scalar path are checked first; within a bound, not bit-exact */
    VITOPT_BF16_WIDENED = 5,    /* bf16 values widened to fp32 once, pairs odd-first, on the fp32 GEMM under FTZ/DAZ
                                   (gemm_widened.c): its own packing (vitopt_bf16_pack_widened), same bits */
};

/* Why VITOPT_BF16_AMX is or is not offered (vitopt_bf16_amx_status; probed once per process). */
enum {
    VITOPT_BF16_AMX_READY = 0,             /* CPU, OS, permission and the kernel's self-check all good */
    VITOPT_BF16_AMX_NO_CPU = 1,            /* no AMX-TILE/AMX-BF16 in CPUID, or the OS does not enable tile state (XCR0) */
    VITOPT_BF16_AMX_NO_PERMISSION = 2,     /* Linux refused ARCH_REQ_XCOMP_PERM for XTILEDATA */
    VITOPT_BF16_AMX_SELF_CHECK_FAILED = 3, /* the kernel disagreed with the scalar path beyond the bound on the real tiles */
};
int vitopt_bf16_amx_status(void);

/* The AMX path's bound on |c − c_scalar| for an output of padded depth kp whose |bias| + Σ|a·w| is `magnitude`. */
double vitopt_bf16_amx_bound(int kp, double magnitude);

/* Epilogues (the same values as CFloatGEMM's VITOPT_EPILOGUE_*). */
enum { VITOPT_BF16_EPILOGUE_NONE = 0, VITOPT_BF16_EPILOGUE_GELU = 1, VITOPT_BF16_EPILOGUE_RESIDUAL = 2 };

/* Whether this CPU can run `path`. */
int vitopt_bf16_cpu_supports(int path);

/* K rounded up to an even count. */
int vitopt_bf16_padded_k(int k);

/* Number of panels for N output columns. */
int vitopt_bf16_panels(int n);

/* bf16 elements of the whole packed weight (panels × padded K × NR). */
size_t vitopt_bf16_packed_count(int k, int n);

/* The rounding above, and its exact inverse widening. */
uint16_t vitopt_bf16_from_f32(float x);
float vitopt_bf16_to_f32(uint16_t h);

/* Packs w ([n][k], row stride ldw floats, PyTorch's Linear layout) into `packed`
 * (vitopt_bf16_packed_count elements, 64-byte aligned), rounding each weight to bf16. */
void vitopt_bf16_pack(const float *w, int n, int k, int ldw, uint16_t *packed);

/* Rounds rows [row0, row1) of x ([m][k], row stride ldx) to bf16 rows of stride lda (>= padded K, the
 * pad zero). `path` AVX512BF16 uses VCVTNEPS2BF16, any other path the scalar rounding: identical bits. */
void vitopt_bf16_convert_rows(int path, const float *x, int k, int ldx, uint16_t *a, int lda, int row0, int row1);

/* C[0..m)[panel0*NR .. panel1*NR) (clipped to n; row stride ldc) from bf16 A (row stride lda) and the
 * packed weight, with `bias` (NULL: none, else n floats) and `epilogue`; `residual` ([m][ldc] floats,
 * not aliasing c) is read only for the residual epilogue. An unsupported `path` runs the scalar
 * reference. Panels are independent, so threads may split the panel range. */
void vitopt_bf16_gemm(int path, int m, int n, int k, const uint16_t *a, int lda, const uint16_t *packed,
                      const float *bias, int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1);

/* The widened path (VITOPT_BF16_WIDENED; vitopt_bf16_gemm does not run it: it has its own layouts).
 * Supported with an FMA path of the fp32 GEMM on x86. Weights: vitopt_bf16_widened_packed_size floats
 * (64-byte aligned) packed by vitopt_bf16_pack_widened (0: out of memory) — CFloatGEMM's panels of
 * VITOPT_SGEMM_NR columns over padded K, each weight rounded to bf16 and widened, pairs odd element first.
 * Activations: rows [row0, row1) of x widened the same way by vitopt_bf16_widen_rows into rows of stride
 * ldo >= padded K (optionally then packed with vitopt_sgemm_pack_a_tiles over padded K). The product runs
 * CFloatGEMM's panels [panel0, panel1) (NR = VITOPT_SGEMM_NR) with this file's contract and epilogues. */
int vitopt_bf16_widened_supported(void);
long vitopt_bf16_widened_packed_size(int k, int n);
int vitopt_bf16_pack_widened(const float *w, int n, int k, int ldw, float *packed);
void vitopt_bf16_widen_rows(const float *x, int k, int ldx, float *out, int ldo, int row0, int row1);
void vitopt_bf16_gemm_widened(int m, int n, int k, const float *a, int lda, const float *apacked, const float *packed,
                              const float *bias, int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1);

/* Test only, never dispatched: vitopt_bf16_gemm's arguments (the scalar path's contract otherwise) run
 * through the AMX kernel's tile program on a portable model of the tile instructions, on any CPU. Returns
 * 0, or the first fault (VITOPT_AMX_* of amx_tiles.h) the hardware would have raised. */
int vitopt_bf16_gemm_amx_emulated(int m, int n, int k, const uint16_t *a, int lda, const uint16_t *packed, const float *bias,
                                  int epilogue, const float *residual, float *c, int ldc, int panel0, int panel1);

/* The first-use self-check run on the emulated kernel (1: passed), for tests. */
int vitopt_bf16_amx_emulated_self_check(void);

#ifdef __cplusplus
}
#endif
#endif
