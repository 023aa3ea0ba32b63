import Graph

/// Multi-head self-attention on timm's packed `qkv[N,S,3D]`, forward (keeping the probabilities) and backward.
///
/// Forward per (batch, head): `P = softmax(scale·Q·Kᵀ)` (row max subtracted, `Softmax.rows` as the
/// inference kernel), `O = P·V`, heads concatenated into `out[N,S,D]`.
/// Backward: `dV = Pᵀ·dO`, `dP = dO·Vᵀ`, `dS = P ⊙ (dP − rowsum(P ⊙ dP))`, `dQ = scale·dS·K`,
/// `dK = scale·dSᵀ·Q`, written into the matching columns of `dqkv`. With AVX-512 the products are
/// `AttentionMath`'s register-tiled kernels; otherwise (`path: .scalar`) OpenBLAS; the softmax is
/// `Softmax.rows` on both. (batch, head) pairs run in parallel; every output element belongs to one pair, so
/// results do not depend on the thread count.
/// With an additive score bias `B[H,S,S]` (BEiT's relative position bias, the same for every image) the
/// scores are `scale·Q·Kᵀ + B[h]` before the softmax; its gradient is `Σ_batch dS`, which `backward`
/// hands back per pair in `dScores` for the caller to reduce in a fixed order.
enum AttentionGrad {
    struct Shape {
        var batch: Int, tokens: Int, width: Int, heads: Int
        var headDim: Int { width / heads }
        var scale: Float { 1 / Float(headDim).squareRoot() }
    }

    /// Floats of scratch per worker: `dP` (S·S) and the packing buffer of `AttentionMath.abT`.
    static func perWorker(_ s: Shape) -> Int { s.tokens * s.tokens + AttentionMath.abTScratch(n: s.tokens, k: s.headDim) }

    /// Floats of scratch `forward`/`backward` need with `threads` threads.
    static func scratchCount(_ s: Shape, threads: Int) -> Int { workers(s, ExecutionContext(threads: threads)) * perWorker(s) }

    /// - Parameters: `probs`: `[N·heads, S, S]`, filled with the attention probabilities; `scratch`:
    ///   `scratchCount` floats (allocated here when nil); `bias`: `[heads, S, S]` added to every image's
    ///   scaled scores before the softmax (nil: none).
    static func forward(qkv: UnsafePointer<Float>, shape s: Shape, probs: UnsafeMutablePointer<Float>,
                        out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil, bias: UnsafePointer<Float>? = nil,
                        context: ExecutionContext, path: AttentionMath.Path = AttentionMath.selected) {
        let (t, d, dh, ld) = (s.tokens, s.width, s.headDim, 3 * s.width)
        withScratch(s, scratch, context) { buffer in
            pairs(s, context) { b, h, worker in
                let off = b * t * ld + h * dh
                let p = probs + (b * s.heads + h) * t * t
                let o = out + b * t * d + h * dh
                if path == .avx512 {
                    AttentionMath.abT(m: t, n: t, k: dh, scale: s.scale, a: qkv + off, lda: ld, b: qkv + off + d, ldb: ld, out: p, ldo: t,
                                      scratch: buffer + worker * perWorker(s) + t * t, path: path)
                    if let bias { addBias(bias + h * t * t, to: p, count: t * t) }
                    Softmax.rows(p, rows: t, width: t)
                    AttentionMath.ab(m: t, n: t, k: dh, p: p, ldp: t, v: qkv + off + 2 * d, ldv: ld, out: o, ldo: d, path: path)
                } else {
                    BLAS.sgemm(transB: true, m: t, n: t, k: dh, alpha: s.scale, a: qkv + off, lda: ld, b: qkv + off + d, ldb: ld, c: p, ldc: t)
                    if let bias { addBias(bias + h * t * t, to: p, count: t * t) }
                    Softmax.rows(p, rows: t, width: t)
                    BLAS.sgemm(m: t, n: dh, k: t, a: p, lda: t, b: qkv + off + 2 * d, ldb: ld, c: o, ldc: d)
                }
            }
        }
    }

    /// - Parameters: `dOut[N,S,D]`; `scratch` holds `scratchCount` floats (allocated here when nil); `dqkv` is overwritten;
    ///   `dScores` (`[N·heads, S, S]`, may be `probs` itself: a pair's probabilities are no longer read once its
    ///   `dS` is known) receives ∂loss/∂scores of every pair, the gradient of an additive score bias before
    ///   its sum over the batch (nil: not kept).
    static func backward(qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>, dOut: UnsafePointer<Float>, shape s: Shape,
                         dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil,
                         dScores: UnsafeMutablePointer<Float>? = nil, context: ExecutionContext,
                         path: AttentionMath.Path = AttentionMath.selected) {
        let (t, d, dh, ld) = (s.tokens, s.width, s.headDim, 3 * s.width)
        withScratch(s, scratch, context) { buffer in
            pairs(s, context) { b, h, worker in
                let off = b * t * ld + h * dh
                let p = probs + (b * s.heads + h) * t * t
                let dO = dOut + b * t * d + h * dh
                let dP = buffer + worker * perWorker(s), pack = dP + t * t
                let (q, k, v, dq, dk, dv) = (qkv + off, qkv + off + d, qkv + off + 2 * d, dqkv + off, dqkv + off + d, dqkv + off + 2 * d)
                if path == .avx512 {
                    AttentionMath.ab(m: t, n: t, k: dh, p: p, ldp: t, transposeP: true, v: dO, ldv: d, out: dv, ldo: ld, path: path)
                    AttentionMath.abT(m: t, n: t, k: dh, scale: 1, a: dO, lda: d, b: v, ldb: ld, out: dP, ldo: t, scratch: pack, path: path)
                } else {
                    BLAS.sgemm(transA: true, m: t, n: dh, k: t, a: p, lda: t, b: dO, ldb: d, c: dv, ldc: ld)
                    BLAS.sgemm(transB: true, m: t, n: t, k: dh, a: dO, lda: d, b: v, ldb: ld, c: dP, ldc: t)
                }
                for r in 0..<t {
                    let pr = p + r * t, gr = dP + r * t
                    let dot = Self.dot(pr, gr, t)
                    for j in 0..<t { gr[j] = pr[j] * (gr[j] - dot) }
                }
                if let dScores { (dScores + (b * s.heads + h) * t * t).update(from: dP, count: t * t) }
                if path == .avx512 {
                    AttentionMath.ab(m: t, n: t, k: dh, alpha: s.scale, p: dP, ldp: t, v: k, ldv: ld, out: dq, ldo: ld, path: path)
                    AttentionMath.ab(m: t, n: t, k: dh, alpha: s.scale, p: dP, ldp: t, transposeP: true, v: q, ldv: ld, out: dk, ldo: ld,
                                     path: path)
                } else {
                    BLAS.sgemm(m: t, n: dh, k: t, alpha: s.scale, a: dP, lda: t, b: k, ldb: ld, c: dq, ldc: ld)
                    BLAS.sgemm(transA: true, m: t, n: dh, k: t, alpha: s.scale, a: dP, lda: t, b: q, ldb: ld, c: dk, ldc: ld)
                }
            }
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

    /// `p[i] += bias[i]` for `i < count`.
    @inline(__always)
    private static func addBias(_ bias: UnsafePointer<Float>, to p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] += bias[i] }
    }

    /// Parallel workers used for `s`.
    static func workers(_ s: Shape, _ context: ExecutionContext) -> Int { max(1, min(context.threads, s.batch * s.heads)) }

    private static func withScratch(_ s: Shape, _ given: UnsafeMutablePointer<Float>?, _ context: ExecutionContext,
                                    _ body: (UnsafeMutablePointer<Float>) -> Void) {
        if let given { return body(given) }
        let owned = UnsafeMutablePointer<Float>.allocate(capacity: workers(s, context) * perWorker(s))
        defer { owned.deallocate() }
        body(owned)
    }

    /// Runs `body(batch, head, worker)` over every pair, in chunks of pairs taken by free workers (`ChunkedLoop`).
    private static func pairs(_ s: Shape, _ context: ExecutionContext, _ body: (Int, Int, Int) -> Void) {
        let total = s.batch * s.heads, w = workers(s, context)
        ChunkedLoop.run(total, chunk: ChunkedLoop.chunk(total, threads: w, perThread: 8), threads: w) { range, worker in
            for pair in range { body(pair / s.heads, pair % s.heads, worker) }
        }
    }
}
