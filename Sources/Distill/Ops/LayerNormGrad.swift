import Graph

/// Backward of LayerNorm over rows of `width` (population variance, as `KernelMath.layerNorm`).
///
/// With `x̂ = (x − μ)·r`, `r = 1/sqrt(var + eps)` recomputed from the saved input in fp32 exactly as the
/// forward kernel does (`VectorMath.sum`/`sumOfSquares`): `dx = r·(g − mean(g) − x̂·mean(g·x̂))` where
/// `g = dy·γ`; `dγ += Σ dy·x̂`, `dβ += Σ dy` over rows. The input gradient is added to `dx` (residual
/// streams accumulate). One pass per row; rows are grouped in fixed blocks of `blockRows` whose
/// parameter partial sums are then added block by block in order — so `dγ`/`dβ` have the same
/// summation order whatever the thread count (and run to run).
enum LayerNormGrad {
    static let blockRows = 64

    /// Floats of scratch `backward` needs for `rows` rows of `width`.
    static func scratchCount(rows: Int, width: Int) -> Int { (rows + blockRows - 1) / blockRows * 2 * width }

    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, width d: Int, gamma: UnsafePointer<Float>,
                         epsilon: Float, dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
                         dBeta: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil,
                         context: ExecutionContext) {
        let blocks = (rows + blockRows - 1) / blockRows
        let owned = scratch == nil ? UnsafeMutablePointer<Float>.allocate(capacity: blocks * 2 * d) : nil
        defer { owned?.deallocate() }
        let part = scratch ?? owned!
        let fd = Float(d)
        ChunkedLoop.run(blocks, chunk: ChunkedLoop.chunk(blocks, threads: context.threads), threads: context.threads) { range, _ in
            for blk in range {
                let pg = part + blk * 2 * d, pb = pg + d
                for i in 0..<d { pg[i] = 0; pb[i] = 0 }
                for r in (blk * blockRows)..<min(rows, (blk + 1) * blockRows) {
                    let src = x + r * d, g = dy + r * d, out = dx + r * d
                    let mean = VectorMath.sum(src, d) / fd
                    let inv = 1 / (VectorMath.sumOfSquares(src, d, minus: mean) / fd + epsilon).squareRoot()
                    var sumG: Float = 0, sumGX: Float = 0
                    for i in 0..<d {
                        let xh = (src[i] - mean) * inv
                        let gi = g[i] * gamma[i]
                        sumG += gi
                        sumGX += gi * xh
                        pg[i] += g[i] * xh
                        pb[i] += g[i]
                    }
                    let mg = sumG / fd, mgx = sumGX / fd
                    for i in 0..<d {
                        let xh = (src[i] - mean) * inv
                        out[i] += inv * (g[i] * gamma[i] - mg - xh * mgx)
                    }
                }
            }
        }
        for blk in 0..<blocks {
            let pg = part + blk * 2 * d, pb = pg + d
            for i in 0..<d { dGamma[i] += pg[i]; dBeta[i] += pb[i] }
        }
    }
}
