import Graph

/// Backward of the exact (erf) GELU: `d/dx [x·Φ(x)] = Φ(x) + x·φ(x)` with `Φ(x) = ½(1 + erf(x/√2))`
/// and `φ(x) = exp(−x²/2)/√(2π)`, using `VectorMath.erf`/`exp` (absolute error ≈ 3e-7).
enum GeluGrad {
    /// `g[i] *= gelu'(x[i])` in place, in parallel chunks.
    static func backward(x: UnsafePointer<Float>, grad g: UnsafeMutablePointer<Float>, count: Int, context: ExecutionContext) {
        context.parallelFor(count, minChunk: 1 << 14) { range in
            for i in range {
                let v = x[i]
                let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_77))
                let pdf = 0.398_942_28 * VectorMath.exp(-0.5 * v * v)
                g[i] *= cdf + v * pdf
            }
        }
    }
}
