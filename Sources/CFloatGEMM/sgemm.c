#include "CFloatGEMM.h"
#include "sgemm_internal.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define NR VITOPT_SGEMM_NR
/* Register-tile rows: AVX-512 14 (A packed per tile with a 16-float stride per k), AVX2 6. */
#define MR512 14
#define AP512 16
#define MR256 6

long vitopt_sgemm_packed_size(int n, int k) { return (long)((n + NR - 1) / NR) * NR * k; }

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static inline void transpose_block(const float *src, int lds, int rows, int k0, int cols, float *dst, int ldd);

/* The weight packing as 16 x 16 transposes (two per 32-column panel and 16 k). */
__attribute__((target("avx512f")))
static void pack_avx512(const float *w, int n, int k, int ldw, float *packed) {
    int panels = (n + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (long)p * NR * k;
        for (int half = 0; half < 2; half++) {
            int c0 = p * NR + half * 16;
            int rows = n - c0 < 0 ? 0 : (n - c0 < 16 ? n - c0 : 16);
            for (int k0 = 0; k0 < k; k0 += 16)
                transpose_block(w + (long)(rows > 0 ? c0 : 0) * ldw, ldw, rows, k0, k - k0 < 16 ? k - k0 : 16,
                                dst + (long)k0 * NR + half * 16, NR);
        }
    }
}
#endif

void vitopt_sgemm_pack(const float *w, int n, int k, int ldw, float *packed) {
#if defined(__x86_64__)
    if (vitopt_sgemm_best_path() == VITOPT_SGEMM_AVX512) { pack_avx512(w, n, k, ldw, packed); return; }
#endif
    int panels = (n + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (long)p * NR * k;
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < NR; j++) {
                int col = p * NR + j;
                dst[(long)kk * NR + j] = col < n ? w[(long)col * ldw + kk] : 0.0f;
            }
        }
    }
}

void vitopt_sgemm_pack_kmajor(const float *b, int n, int k, int ldb, float *packed) {
    int panels = (n + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (long)p * NR * k;
        int cols = n - p * NR < NR ? n - p * NR : NR;
        for (int kk = 0; kk < k; kk++) {
            memcpy(dst + (long)kk * NR, b + (long)kk * ldb + p * NR, sizeof(float) * cols);
            if (cols < NR) memset(dst + (long)kk * NR + cols, 0, sizeof(float) * (NR - cols));
        }
    }
}

int vitopt_sgemm_path_for(int avx512f, int avx512dq, int avx2, int fma) {
    if (avx512f && avx512dq) return VITOPT_SGEMM_AVX512;
    if (avx2 && fma) return VITOPT_SGEMM_AVX2;
    return VITOPT_SGEMM_SCALAR;
}

/* Detected once: the epilogue and row kernels ask for every tile row. */
static int detect_best_path(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return vitopt_sgemm_path_for(__builtin_cpu_supports("avx512f"), __builtin_cpu_supports("avx512dq"),
                                 __builtin_cpu_supports("avx2"), __builtin_cpu_supports("fma"));
#else
    return VITOPT_SGEMM_SCALAR;
#endif
}

int vitopt_sgemm_best_path(void) {
    static _Atomic int best = -1;
    int b = best;
    if (b < 0) { b = detect_best_path(); best = b; }
    return b;
}

/* Scalar reference: one fmaf per term, k ascending. */
static void panel_scalar(int m, int k, const float *a, int lda, const float *bp, const float *bias, float *c, int ldc,
                         int cols) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < cols; j++) {
            float s = bias ? bias[j] : 0.0f;
            for (int kk = 0; kk < k; kk++) s = __builtin_fmaf(a[(long)i * lda + kk], bp[(long)kk * NR + j], s);
            c[(long)i * ldc + j] = s;
        }
    }
}

#if defined(__x86_64__)
/* AVX-512: 14 rows x 32 columns of accumulators (28 zmm). A is packed per 14-row tile, k-major with
 * a stride of 16 floats (one cache line per k), so every broadcast is a constant offset from one pointer.
 * `accumulate` continues the sums already in `out` (a later K block) instead of starting from the bias. */
__attribute__((target("avx512f"), always_inline))
static inline void tile_rows_avx512(int kc, const float *ap, const float *bp, const float *bias, int accumulate, float *out,
                                    int ldo, const float *pf, const int MR, const int NV) {
    /* NV = 1: only the panel's first 16 columns (an N edge with at most 16 columns left). */
    __m512 acc[MR512][2];
    if (accumulate) {
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            acc[i][0] = _mm512_loadu_ps(out + (long)i * ldo);
            if (NV == 2) acc[i][1] = _mm512_loadu_ps(out + (long)i * ldo + 16);
        }
    } else {
        __m512 b0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
        __m512 b1 = bias && NV == 2 ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) { acc[i][0] = b0; acc[i][1] = b1; }
    }
    for (int kk = 0; kk < kc; kk++) {
        __m512 w0 = _mm512_load_ps(bp + (long)kk * NR);
        __m512 w1 = NV == 2 ? _mm512_load_ps(bp + (long)kk * NR + 16) : _mm512_setzero_ps();
        const float *a = ap + (long)kk * AP512;
        if (pf) _mm_prefetch((const char *)(pf + (long)kk * 16), _MM_HINT_T1);
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            __m512 x = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(x, w0, acc[i][0]);
            if (NV == 2) acc[i][1] = _mm512_fmadd_ps(x, w1, acc[i][1]);
        }
    }
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
        _mm512_storeu_ps(out + (long)i * ldo, acc[i][0]);
        if (NV == 2) _mm512_storeu_ps(out + (long)i * ldo + 16, acc[i][1]);
    }
}

/* `rows` (1...14) rows of a tile: the edge tile of M computes only the rows it has; `half` computes
 * only the first 16 columns (the N edge, when at most 16 are left). */
__attribute__((target("avx512f")))
void vitopt_tile_avx512(int rows, int half, int kc, const float *ap, const float *bp, const float *bias, int accumulate,
                        float *out, int ldo, const float *pf) {
    /* One instantiation per (rows, vectors) pair, so every loop bound is a compile-time constant. */
#define TILE_CASE(R) \
    case R: \
        if (half) tile_rows_avx512(kc, ap, bp, bias, accumulate, out, ldo, pf, R, 1); \
        else tile_rows_avx512(kc, ap, bp, bias, accumulate, out, ldo, pf, R, 2); \
        break;
    switch (rows) {
        TILE_CASE(14) TILE_CASE(13) TILE_CASE(12) TILE_CASE(11) TILE_CASE(10) TILE_CASE(9) TILE_CASE(8)
        TILE_CASE(7) TILE_CASE(6) TILE_CASE(5) TILE_CASE(4) TILE_CASE(3) TILE_CASE(2)
    default: TILE_CASE(1)
    }
#undef TILE_CASE
}

/* In-register transpose of a 16 x 16 float block: on return r[j] holds column j of the input rows. */
__attribute__((target("avx512f")))
static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
}

/* dst[kk * ldd + i] = src row i, column k0 + kk, for `rows` <= 16 rows (missing rows zero) and
 * `cols` <= 16 columns starting at k0 (row stride lds). */
__attribute__((target("avx512f")))
static inline void transpose_block(const float *src, int lds, int rows, int k0, int cols, float *dst, int ldd) {
    __m512 r[16];
    const __mmask16 m = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    for (int i = 0; i < 16; i++) r[i] = i < rows ? _mm512_maskz_loadu_ps(m, src + (long)i * lds + k0) : _mm512_setzero_ps();
    transpose16(r);
    for (int j = 0; j < cols; j++) _mm512_storeu_ps(dst + (long)j * ldd, r[j]);
}

/* Packs tiles [t0, t1) of A (m x k) into tiles of [k][16] floats, rows past m (and lanes 14, 15) zero. */
__attribute__((target("avx512f")))
static void pack_a_tiles_avx512(int m, int k, const float *a, int lda, float *packed, int t0, int t1) {
    for (int t = t0; t < t1; t++) {
        float *dst = packed + (long)t * k * AP512;
        int rows = m - t * MR512 < MR512 ? m - t * MR512 : MR512;
        for (int k0 = 0; k0 < k; k0 += 16)
            transpose_block(a + (long)t * MR512 * lda, lda, rows, k0, k - k0 < 16 ? k - k0 : 16, dst + (long)k0 * AP512, AP512);
    }
}

/* All ceil(m/14) tiles. */
__attribute__((target("avx512f")))
void vitopt_pack_a_avx512(int m, int k, const float *a, int lda, float *packed) {
    pack_a_tiles_avx512(m, k, a, lda, packed, 0, (m + MR512 - 1) / MR512);
}

/* AVX2 + FMA: the 32-column panel as two 16-column halves, 6 rows x 16 columns (12 ymm) each. */
__attribute__((target("avx2,fma")))
static void tile_avx2(int kc, const float *a, int lda, const float *bp, const float *bias, int accumulate, float *out,
                      int ldo) {
    __m256 acc[MR256][2];
    if (accumulate) {
#pragma GCC unroll 6
        for (int i = 0; i < MR256; i++) {
            acc[i][0] = _mm256_loadu_ps(out + (long)i * ldo);
            acc[i][1] = _mm256_loadu_ps(out + (long)i * ldo + 8);
        }
    } else {
        __m256 b0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
        __m256 b1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
#pragma GCC unroll 6
        for (int i = 0; i < MR256; i++) { acc[i][0] = b0; acc[i][1] = b1; }
    }
    for (int kk = 0; kk < kc; kk++) {
        __m256 w0 = _mm256_loadu_ps(bp + (long)kk * NR);
        __m256 w1 = _mm256_loadu_ps(bp + (long)kk * NR + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR256; i++) {
            __m256 x = _mm256_broadcast_ss(a + (long)i * lda + kk);
            acc[i][0] = _mm256_fmadd_ps(x, w0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(x, w1, acc[i][1]);
        }
    }
#pragma GCC unroll 6
    for (int i = 0; i < MR256; i++) {
        _mm256_storeu_ps(out + (long)i * ldo, acc[i][0]);
        _mm256_storeu_ps(out + (long)i * ldo + 8, acc[i][1]);
    }
}
#endif

/* K block: for long K (fc2's 3072) the packed A block of 768 k stays in L2 while the panels pass over
 * it; shorter K runs unblocked, which measured fastest on ViT-B's shapes (smaller blocks re-stream the
 * accumulators and A more often than they save). VITOPT_SGEMM_KC overrides it (0 = no blocking). */
static int kc_block(int k) {
    static int kc = -1;
    if (kc < 0) {
        const char *e = getenv("VITOPT_SGEMM_KC");
        kc = e ? atoi(e) : 768;
        if (kc < 0) kc = 768;
    }
    return kc == 0 || kc > k ? (k > 0 ? k : 1) : kc;
}

/* Whether tiles prefetch the next panel (VITOPT_PREFETCH=0 turns it off, for measuring it). */
static int prefetch_enabled(void) {
    static int on = -1;
    if (on < 0) on = !(getenv("VITOPT_PREFETCH") && atoi(getenv("VITOPT_PREFETCH")) == 0);
    return on;
}

long vitopt_sgemm_packed_a_size(int path, int m, int k) {
    int best = vitopt_sgemm_best_path();
    if (path > best) path = best;
    return path == VITOPT_SGEMM_AVX512 ? (long)((m + 13) / 14) * (k > 0 ? k : 1) * 16 : 0;
}

void vitopt_sgemm_pack_a(int path, int m, int k, const float *a, int lda, float *out) {
    vitopt_sgemm_pack_a_tiles(path, m, k, a, lda, out, 0, vitopt_sgemm_a_tiles(path, m));
}

int vitopt_sgemm_a_tiles(int path, int m) { return vitopt_sgemm_packed_a_size(path, m, 1) > 0 ? (m + MR512 - 1) / MR512 : 0; }

void vitopt_sgemm_pack_a_tiles(int path, int m, int k, const float *a, int lda, float *out, int tile0, int tile1) {
#if defined(__x86_64__)
    if (vitopt_sgemm_packed_a_size(path, m, k) > 0) pack_a_tiles_avx512(m, k, a, lda, out, tile0, tile1);
#endif
}

/* Applies the epilogue to a finished rows x cols block of C. */
static void epilogue_block(int path, int epilogue, const float *res, float *c, int ldc, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
        float *row = c + (long)i * ldc;
        if (epilogue == VITOPT_EPILOGUE_GELU) {
            vitopt_vgelu(path, row, row, cols);
        } else if (epilogue == VITOPT_EPILOGUE_RESIDUAL) {
            const float *r = res + (long)i * ldc;
            for (int j = 0; j < cols; j++) row[j] = row[j] + r[j];
        }
    }
}

/* One row tile of one panel over the K block [k0, k0 + kc): full tiles in place, edge tiles through a
 * scratch tile (holding the running sums between K blocks). */
static void run_tile(int path, int rows, int cols, int k, int k0, int kc, const float *a, int lda, const float *apacked,
                     const float *a_edge, int tile, const float *bp, const float *bias, float *c, int ldc,
                     const float *pf) {
    float scratch[16 * NR];
    /* AVX-512 computes just the tile's rows, so only a partial panel needs the scratch tile. */
    int accumulate = k0 > 0, full = (path == VITOPT_SGEMM_AVX512 || rows == 6) && cols == NR;
    float *out = full ? c : scratch;
    int ldo = full ? ldc : NR;
    if (!full) memset(scratch, 0, sizeof scratch);
    if (!full && accumulate)
        for (int i = 0; i < rows; i++) memcpy(scratch + i * NR, c + (long)i * ldc, sizeof(float) * cols);
    switch (path) {
#if defined(__x86_64__)
    case VITOPT_SGEMM_AVX512:
        vitopt_tile_avx512(rows, cols <= 16, kc, apacked + (long)tile * k * AP512 + (long)k0 * AP512, bp + (long)k0 * NR, bias, accumulate, out, ldo, pf);
        break;
    case VITOPT_SGEMM_AVX2: {
        const float *ap = rows == MR256 ? a : a_edge;
        int la = rows == MR256 ? lda : k;
        for (int half = 0; half < 2; half++)
            tile_avx2(kc, ap + k0, la, bp + (long)k0 * NR + half * 16, bias ? bias + half * 16 : 0, accumulate,
                      out + half * 16, ldo);
        break;
    }
#endif
    default: (void)out; (void)ldo; break;
    }
    if (!full)
        for (int i = 0; i < rows; i++) memcpy(c + (long)i * ldc, scratch + i * NR, sizeof(float) * cols);
}

void vitopt_sgemm_packed_ex(int path, int m, int n, int k, const float *a, int lda, const float *apacked,
                            const float *packed, const float *bias, int epilogue, const float *residual, float *c,
                            int ldc, int panel0, int panel1) {
    int best = vitopt_sgemm_best_path();
    if (path > best) path = best;
    float padded_bias[NR];
    float *owned_a = 0, *a_edge = 0;
    int mr = path == VITOPT_SGEMM_AVX512 ? 14 : 6;
    if (path == VITOPT_SGEMM_AVX512 && !apacked) {
        owned_a = (float *)aligned_alloc(64, sizeof(float) * (size_t)vitopt_sgemm_packed_a_size(path, m, k));
        if (owned_a) vitopt_pack_a_avx512(m, k, a, lda, owned_a);
        apacked = owned_a;
        if (!owned_a) path = VITOPT_SGEMM_SCALAR;
    }
    if (path == VITOPT_SGEMM_AVX2 && m % MR256 != 0) {
        /* The last, partial row tile of A, zero-padded to six rows. */
        int r0 = m - m % MR256;
        a_edge = (float *)calloc((size_t)MR256 * (size_t)(k > 0 ? k : 1), sizeof(float));
        if (a_edge) for (int i = 0; i < m - r0; i++) memcpy(a_edge + (long)i * k, a + (long)(r0 + i) * lda, sizeof(float) * k);
        else path = VITOPT_SGEMM_SCALAR;
    }
    if (path == VITOPT_SGEMM_SCALAR) {
        for (int p = panel0; p < panel1; p++) {
            int col0 = p * NR, cols = n - col0 < NR ? n - col0 : NR;
            panel_scalar(m, k, a, lda, packed + (long)p * NR * k, bias ? bias + col0 : 0, c + col0, ldc, cols);
            epilogue_block(path, epilogue, residual ? residual + col0 : 0, c + col0, ldc, m, cols);
        }
    } else {
        int KC = kc_block(k), prefetch = prefetch_enabled();
        for (int k0 = 0; k0 < k || k0 == 0; k0 += KC) {
            int kc = k - k0 < KC ? k - k0 : KC;
            int last = k0 + KC >= k;
            for (int p = panel0; p < panel1; p++) {
                int col0 = p * NR, cols = n - col0 < NR ? n - col0 : NR;
                const float *bp = packed + (long)p * NR * k;
                const float *pb = 0;
                if (bias) {
                    memset(padded_bias, 0, sizeof padded_bias);
                    memcpy(padded_bias, bias + col0, sizeof(float) * cols);
                    pb = padded_bias;
                }
                for (int i0 = 0, t = 0; i0 < m; i0 += mr, t++) {
                    int rows = m - i0 < mr ? m - i0 : mr;
                    float *cp = c + (long)i0 * ldc + col0;
                    /* The first two row tiles fetch the next panel's K block into L2 (one line per k each). */
                    const float *pf = prefetch && p + 1 < panel1 && t < 2 ? bp + (long)NR * k + (long)k0 * NR + (long)t * kc * 16 : 0;
                    run_tile(path, rows, cols, k, k0, kc, a + (long)i0 * lda, lda, apacked, a_edge, t, bp, pb, cp, ldc, pf);
                    if (last && epilogue)
                        epilogue_block(path, epilogue, residual ? residual + (long)i0 * ldc + col0 : 0, cp, ldc, rows, cols);
                }
            }
            if (kc <= 0) break;
        }
    }
    free(owned_a);
    free(a_edge);
}
