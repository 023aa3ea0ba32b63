import Graph

/// Multi-head self-attention on timm's packed `qkv[N,S,3D]`, forward (keeping the probabilities) and backward.
///
/// Forward per (batch, head): `P = softmax(scale·Q·Kᵀ)` (row max subtracted, `Softmax.rows`), `O = P·V`,
/// heads concatenated into `out[N,S,D]` — the same GEMMs and softmax as the inference `Attention` kernel.
/// Backward: `dV = Pᵀ·dO`, `dP = dO·Vᵀ`, `dS = P ⊙ (dP − rowsum(P ⊙ dP))`, `dQ = scale·dS·K`,
/// `dK = scale·dSᵀ·Q`, written into the matching columns of `dqkv`. (batch, head) pairs run in
/// parallel, each on single-threaded OpenBLAS (the caller keeps OpenBLAS at one thread), as in the
/// inference kernel; every output element belongs to one pair, so results do not depend on threads.
enum AttentionGrad {
    struct Shape {
        var batch: Int, tokens: Int, width: Int, heads: Int
        var headDim: Int { width / heads }
        var scale: Float { 1 / Float(headDim).squareRoot() }
    }

    /// - Parameter probs: `[N·heads, S, S]`, filled with the attention probabilities.
    static func forward(qkv: UnsafePointer<Float>, shape s: Shape, probs: UnsafeMutablePointer<Float>,
                        out: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        let (t, d, dh, ld) = (s.tokens, s.width, s.headDim, 3 * s.width)
        pairs(s, context) { b, h in
            let off = b * t * ld + h * dh
            let p = probs + (b * s.heads + h) * t * t
            BLAS.sgemm(transB: true, m: t, n: t, k: dh, alpha: s.scale, a: qkv + off, lda: ld, b: qkv + off + d, ldb: ld, c: p, ldc: t)
            Softmax.rows(p, rows: t, width: t)
            BLAS.sgemm(m: t, n: dh, k: t, a: p, lda: t, b: qkv + off + 2 * d, ldb: ld, c: out + b * t * d + h * dh, ldc: d)
        }
    }

    /// - Parameters: `dOut[N,S,D]`; `scratch` holds `workers(s, context)·S·S` floats; `dqkv` is overwritten.
    static func backward(qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>, dOut: UnsafePointer<Float>, shape s: Shape,
                         dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        let (t, d, dh, ld) = (s.tokens, s.width, s.headDim, 3 * s.width)
        pairs(s, context) { b, h, worker in
            let off = b * t * ld + h * dh
            let p = probs + (b * s.heads + h) * t * t
            let dO = dOut + b * t * d + h * dh
            let dP = scratch + worker * t * t
            BLAS.sgemm(transA: true, m: t, n: dh, k: t, a: p, lda: t, b: dO, ldb: d, c: dqkv + off + 2 * d, ldc: ld)
            BLAS.sgemm(transB: true, m: t, n: t, k: dh, a: dO, lda: d, b: qkv + off + 2 * d, ldb: ld, c: dP, ldc: t)
            for r in 0..<t {
                let pr = p + r * t, gr = dP + r * t
                let dot = Self.dot(pr, gr, t)
                for j in 0..<t { gr[j] = pr[j] * (gr[j] - dot) }
            }
            BLAS.sgemm(m: t, n: dh, k: t, alpha: s.scale, a: dP, lda: t, b: qkv + off + d, ldb: ld, c: dqkv + off, ldc: ld)
            BLAS.sgemm(transA: true, m: t, n: dh, k: t, alpha: s.scale, a: dP, lda: t, b: qkv + off, ldb: ld, c: dqkv + off + d, ldc: ld)
        }
    }

    /// `Σ a[i]·b[i]` in eight interleaved lanes combined pairwise (a fixed order, not latency-bound).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var p0: Float = 0, p1: Float = 0, p2: Float = 0, p3: Float = 0, p4: Float = 0, p5: Float = 0, p6: Float = 0, p7: Float = 0
        var i = 0
        while i + 8 <= n {
            p0 += a[i] * b[i]; p1 += a[i + 1] * b[i + 1]; p2 += a[i + 2] * b[i + 2]; p3 += a[i + 3] * b[i + 3]
            p4 += a[i + 4] * b[i + 4]; p5 += a[i + 5] * b[i + 5]; p6 += a[i + 6] * b[i + 6]; p7 += a[i + 7] * b[i + 7]
            i += 8
        }
        var s = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// Parallel workers used for `s` (the scratch size backward needs is `workers·S·S`).
    static func workers(_ s: Shape, _ context: ExecutionContext) -> Int { max(1, min(context.threads, s.batch * s.heads)) }

    /// Floats of scratch `backward` needs with `threads` threads.
    static func scratchCount(_ s: Shape, threads: Int) -> Int { workers(s, ExecutionContext(threads: threads)) * s.tokens * s.tokens }

    private static func pairs(_ s: Shape, _ context: ExecutionContext, _ body: (Int, Int) -> Void) {
        pairs(s, context) { b, h, _ in body(b, h) }
    }

    private static func pairs(_ s: Shape, _ context: ExecutionContext, _ body: (Int, Int, Int) -> Void) {
        let total = s.batch * s.heads
        let w = workers(s, context)
        let per = (total + w - 1) / w
        ExecutionContext(threads: w).parallelFor(w) { range in
            for worker in range {
                for pair in (worker * per)..<min(total, (worker + 1) * per) { body(pair / s.heads, pair % s.heads, worker) }
            }
        }
    }
}
