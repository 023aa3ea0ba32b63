import Graph

/// The exact (erf) GELU for training: the forward writes `gelu(x) = x·Φ(x)` and, over its input, the
/// derivative `gelu'(x) = Φ(x) + x·φ(x)` with `Φ(x) = ½(1 + erf(x/√2))` and `φ(x) = exp(−x²/2)/√(2π)`,
/// sharing one erf per element (absolute error ≈ 3e-7); the backward is then a product.
/// With AVX-512 both come from `AttentionMath.gelu` (`CDistillKernels`, FMA arithmetic); on the portable
/// path the activation equals `VectorMath.gelu`'s bit for bit (the same expression).
enum GeluGrad {
    /// `act[i] = gelu(x[i])`, then `x[i] = gelu'(x[i])` (only the activation with `keepDerivative` false), in parallel chunks.
    static func forward(_ x: UnsafeMutablePointer<Float>, act: UnsafeMutablePointer<Float>, count: Int, keepDerivative: Bool = true,
                        context: ExecutionContext, path: AttentionMath.Path = AttentionMath.selected) {
        if path == .avx512 {
            let t = context.threads
            ChunkedLoop.run(count, chunk: ChunkedLoop.chunk(count, threads: t, minimum: 1 << 14), threads: t) { r, _ in
                AttentionMath.gelu(x + r.lowerBound, act: act + r.lowerBound, derivative: keepDerivative ? x + r.lowerBound : nil,
                                   count: r.count, path: path)
            }
            return
        }
        if !keepDerivative {
            context.parallelFor(count, minChunk: 1 << 14) { VectorMath.gelu(x + $0.lowerBound, act + $0.lowerBound, count: $0.count) }
            return
        }
        context.parallelFor(count, minChunk: 1 << 14) { range in
            for i in range {
                let v = x[i]
                let e = VectorMath.erf(v * 0.707_106_77)
                act[i] = 0.5 * v * (1 + e)
                x[i] = 0.5 * (1 + e) + v * (0.398_942_28 * VectorMath.exp(-0.5 * v * v))
            }
        }
    }

    /// `g[i] *= gelu'(x[i])` from the input `x` (recomputes the derivative).
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

    /// `g[i] *= derivative[i]` (the derivative saved by `forward`).
    static func backward(derivative: UnsafePointer<Float>, grad g: UnsafeMutablePointer<Float>, count: Int, context: ExecutionContext) {
        context.parallelFor(count, minChunk: 1 << 15) { range in
            for i in range { g[i] *= derivative[i] }
        }
    }
}
