/* The AVX-512 pieces of sgemm.c that attention.c reuses (callers check the CPU first). */
#ifndef VITOPT_SGEMM_INTERNAL_H
#define VITOPT_SGEMM_INTERNAL_H

/* One tile: `rows` (1...14) rows of packed A (a [kc][16] slice) times a [kc][32] panel slice, starting
 * from bias (NULL: zero) or, with `accumulate`, from `out`; `half` computes only 16 columns. A non-NULL
 * `pf` is prefetched into L2 alongside, one 64-byte line per k (kc lines from pf). */
void vitopt_tile_avx512(int rows, int half, int kc, const float *ap, const float *bp, const float *bias, int accumulate,
                        float *out, int ldo, const float *pf);

/* Packs A (m x k, row stride lda) into ceil(m/14) tiles of [k][16] floats. */
void vitopt_pack_a_avx512(int m, int k, const float *a, int lda, float *packed);

#endif
