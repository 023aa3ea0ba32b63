import Graph

/// Backward of LayerNorm over rows of `width` (population variance, as `KernelMath.layerNorm`).
///
/// With `x̂ = (x − μ)·r`, `r = 1/sqrt(var + eps)` recomputed from the saved input in fp32:
/// `dx = r·(g − mean(g) − x̂·mean(g·x̂))` where `g = dy·γ`; `dγ += Σ dy·x̂`, `dβ += Σ dy` over rows.
/// The input gradient is added to `dx` (residual streams accumulate); rows run in parallel, the
/// parameter sums in row order on one thread.
enum LayerNormGrad {
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, width d: Int, gamma: UnsafePointer<Float>,
                         epsilon: Float, dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
                         dBeta: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        let fd = Float(d)
        context.parallelFor(rows, minChunk: 16) { range in
            for r in range {
                let src = x + r * d, g = dy + r * d, out = dx + r * d
                let (mean, inv) = stats(src, d, epsilon)
                var sumG: Float = 0, sumGX: Float = 0
                for i in 0..<d {
                    let gi = g[i] * gamma[i]
                    sumG += gi
                    sumGX += gi * (src[i] - mean) * inv
                }
                let mg = sumG / fd, mgx = sumGX / fd
                for i in 0..<d {
                    let xh = (src[i] - mean) * inv
                    out[i] += inv * (g[i] * gamma[i] - mg - xh * mgx)
                }
            }
        }
        for r in 0..<rows {
            let src = x + r * d, g = dy + r * d
            let (mean, inv) = stats(src, d, epsilon)
            for i in 0..<d {
                dGamma[i] += g[i] * (src[i] - mean) * inv
                dBeta[i] += g[i]
            }
        }
    }

    /// Mean and reciprocal standard deviation of one row, summed as the forward kernel does.
    @inline(__always)
    static func stats(_ src: UnsafePointer<Float>, _ d: Int, _ epsilon: Float) -> (Float, Float) {
        var sum: Float = 0
        for i in 0..<d { sum += src[i] }
        let mean = sum / Float(d)
        var sq: Float = 0
        for i in 0..<d { let c = src[i] - mean; sq += c * c }
        return (mean, 1 / (sq / Float(d) + epsilon).squareRoot())
    }
}
