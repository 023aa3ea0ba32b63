import Graph

/// Swin's (shifted-)window attention core for training, forward (keeping the probabilities) and backward,
/// on `qkv` already gathered into window order: `[N·nW·A, 3D]` (A = window area, timm's packed q|k|v columns).
///
/// Forward per (window, head): `P = softmax(scale·Q·Kᵀ + B + M)`, `O = P·V` — `B[i,j] =
/// table[biasIndex[i,j], head]`, `M[i,j] = −100` between positions of different shift regions (shifted
/// blocks only): timm's `WindowAttention` / transformers' `SwinSelfAttention`. The products are
/// `AttentionMath`'s kernels (the AVX-512 tiles where the CPU has them, else their scalar reference), the
/// softmax the runtime's `Softmax.rows`.
/// Backward: `dV = Pᵀ·dO`, `dP = dO·Vᵀ`, `dS = P ⊙ (dP − rowsum(P ⊙ dP))`, `dQ = scale·dS·K`,
/// `dK = scale·dSᵀ·Q` (into `dqkv`), and `dTable[biasIndex[i,j], head] += dS[i,j]` over every window of
/// the batch. The table gradient is a scatter-add: `dS` replaces `P` in `probs` during the pass, then each
/// head's column is summed by one worker in window order, so the result does not depend on the thread count.
enum WindowAttentionGrad {
    struct Geometry {
        /// Windows in the batch (N·nW), windows per image, window area, width D, heads.
        var windows: Int, windowsPerImage: Int, area: Int, width: Int, heads: Int
        /// `[A·A]` table row of each (query, key) position pair (`SwinWindows.biasIndex`).
        var biasIndex: [Int]
        /// Shift region of each position of an image's windows (`[nW·A]`, window order), when shifted.
        var regions: [Int]?
        var headDim: Int { width / heads }
        var scale: Float { 1 / Float(headDim).squareRoot() }
    }

    static let maskValue: Float = -100

    /// Floats of scratch per worker: `dP` (A·A) and `abT`'s packing buffer.
    static func perWorker(_ g: Geometry) -> Int { g.area * g.area + AttentionMath.abTScratch(n: g.area, k: g.headDim) }

    static func workers(_ g: Geometry, threads: Int) -> Int { max(1, min(threads, g.windows * g.heads)) }

    /// Floats of scratch `forward`/`backward` need with `threads` threads.
    static func scratchCount(_ g: Geometry, threads: Int) -> Int { workers(g, threads: threads) * perWorker(g) }

    /// - Parameters: `probs` `[N·nW·heads, A, A]` (filled), `out` `[N·nW·A, D]` in window order (overwritten),
    ///   `scratch` `scratchCount` floats.
    static func forward(qkv: UnsafePointer<Float>, geometry g: Geometry, table: UnsafePointer<Float>, probs: UnsafeMutablePointer<Float>,
                        out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        let (a, d, dh, ld, heads) = (g.area, g.width, g.headDim, 3 * g.width, g.heads)
        let path = AttentionMath.selected == .avx512 ? AttentionMath.Path.avx512 : .scalar
        pairs(g, context) { w, h, worker in
            let q = qkv + w * a * ld + h * dh, p = probs + (w * heads + h) * a * a
            AttentionMath.abT(m: a, n: a, k: dh, scale: g.scale, a: q, lda: ld, b: q + d, ldb: ld, out: p, ldo: a,
                              scratch: scratch + worker * perWorker(g) + a * a, path: path)
            let base = (w % g.windowsPerImage) * a
            for i in 0..<a {
                let row = p + i * a
                for j in 0..<a { row[j] += table[g.biasIndex[i * a + j] * heads + h] }
                if let r = g.regions { for j in 0..<a where r[base + i] != r[base + j] { row[j] += maskValue } }
            }
            Softmax.rows(p, rows: a, width: a)
            AttentionMath.ab(m: a, n: a, k: dh, p: p, ldp: a, v: q + 2 * d, ldv: ld, out: out + w * a * d + h * dh, ldo: d, path: path)
        }
    }

    /// - Parameters: `dOut` `[N·nW·A, D]` window order; `dqkv` overwritten; `probs` is consumed (holds `dS`
    ///   afterwards); `dTable` `[rows, heads]` is accumulated.
    static func backward(qkv: UnsafePointer<Float>, probs: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, geometry g: Geometry,
                         dqkv: UnsafeMutablePointer<Float>, dTable: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                         context: ExecutionContext) {
        let (a, d, dh, ld, heads) = (g.area, g.width, g.headDim, 3 * g.width, g.heads)
        let path = AttentionMath.selected == .avx512 ? AttentionMath.Path.avx512 : .scalar
        pairs(g, context) { w, h, worker in
            let off = w * a * ld + h * dh
            let (q, k, v, dq, dk, dv) = (qkv + off, qkv + off + d, qkv + off + 2 * d, dqkv + off, dqkv + off + d, dqkv + off + 2 * d)
            let p = probs + (w * heads + h) * a * a, dO = dOut + w * a * d + h * dh
            let dP = scratch + worker * perWorker(g), pack = dP + a * a
            AttentionMath.ab(m: a, n: a, k: dh, p: p, ldp: a, transposeP: true, v: dO, ldv: d, out: dv, ldo: ld, path: path)
            AttentionMath.abT(m: a, n: a, k: dh, scale: 1, a: dO, lda: d, b: v, ldb: ld, out: dP, ldo: a, scratch: pack, path: path)
            for r in 0..<a {
                let pr = p + r * a, gr = dP + r * a
                let dot = AttentionGrad.dot(pr, gr, a)
                for j in 0..<a { gr[j] = pr[j] * (gr[j] - dot) }
            }
            AttentionMath.ab(m: a, n: a, k: dh, alpha: g.scale, p: dP, ldp: a, v: k, ldv: ld, out: dq, ldo: ld, path: path)
            AttentionMath.ab(m: a, n: a, k: dh, alpha: g.scale, p: dP, ldp: a, transposeP: true, v: q, ldv: ld, out: dk, ldo: ld, path: path)
            p.update(from: dP, count: a * a)
        }
        // The table's gradient: one worker per head, windows and positions in order.
        let idx = g.biasIndex
        ChunkedLoop.run(heads, chunk: 1, threads: min(context.threads, heads)) { range, _ in
            for h in range {
                for w in 0..<g.windows {
                    let ds = UnsafePointer(probs + (w * heads + h) * a * a)
                    for e in 0..<(a * a) { dTable[idx[e] * heads + h] += ds[e] }
                }
            }
        }
    }

    /// Runs `body(window, head, worker)` over every pair in chunks taken by free workers (`ChunkedLoop`).
    private static func pairs(_ g: Geometry, _ context: ExecutionContext, _ body: (Int, Int, Int) -> Void) {
        let total = g.windows * g.heads, w = workers(g, threads: context.threads)
        ChunkedLoop.run(total, chunk: ChunkedLoop.chunk(total, threads: w, perThread: 8), threads: w) { range, worker in
            for pair in range { body(pair / g.heads, pair % g.heads, worker) }
        }
    }
}
