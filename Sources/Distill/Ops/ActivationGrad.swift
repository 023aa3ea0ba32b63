#if canImport(Glibc)
import Glibc
#endif
import Graph

/// Every MLP activation for training, forward and backward, dispatched on `ViTActivation`.
///
/// Elementwise activations (`gelu`, `gelu_tanh`, `quick_gelu`) keep their derivative over their input
/// after the forward, so the backward is a product (`GeluGrad`'s scheme):
/// - `gelu`: `GeluGrad` (erf form, AVX-512 where available);
/// - `gelu_tanh`: `y = ½x(1 + tanh u)`, `u = √(2/π)(x + 0.044715x³)`,
///   `y' = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)` — the same expression as
///   `VectorMath.geluTanh` for the value (C library `tanhf`);
/// - `quick_gelu`: `y = x·σ(1.702x)`, `y' = σ + 1.702·x·σ(1 − σ)` with `σ` on `VectorMath.exp`, the value
///   as the runtime's `QuickGelu` kernel computes it.
///
/// `swiglu` reads `fc1`'s output `[a | b]` per row (`rows × 2m`, gate first) and writes `silu(a)·b`
/// (`rows × m`); it keeps `fc1`'s output for the backward, which writes `∂a = g·b·σ(a)(1 + a(1 − σ(a)))`
/// and `∂b = g·silu(a)` into a separate `rows × 2m` buffer.
enum ActivationGrad {
    static let quickGeluSlope: Float = 1.702
    static let tanhScale: Float = 0.797_884_56  // √(2/π)
    static let tanhCubic: Float = 0.044715

    /// - Parameters: `x` is `fc1`'s output (`rows × m`, or `rows × 2m` for SwiGLU), overwritten by the
    ///   elementwise derivative when `keepDerivative` (SwiGLU leaves it as it is); `act` is `rows × m`.
    static func forward(_ kind: ViTActivation, _ x: UnsafeMutablePointer<Float>, act: UnsafeMutablePointer<Float>, rows: Int, hidden m: Int,
                        keepDerivative: Bool, context: ExecutionContext) {
        let count = rows * m
        switch kind {
        case .gelu:
            GeluGrad.forward(x, act: act, count: count, keepDerivative: keepDerivative, context: context)
        case .geluTanh:
            context.parallelFor(count, minChunk: 1 << 13) { range in
                for i in range {
                    let v = x[i], t = tanhf(tanhScale * (v + tanhCubic * v * v * v))
                    act[i] = 0.5 * v * (1 + t)
                    if keepDerivative { x[i] = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * tanhScale * (1 + 3 * tanhCubic * v * v) }
                }
            }
        case .quickGelu:
            context.parallelFor(count, minChunk: 1 << 13) { range in
                for i in range {
                    let v = x[i], s = 1 / (1 + VectorMath.exp(-quickGeluSlope * v))
                    act[i] = v * s
                    if keepDerivative { x[i] = s + quickGeluSlope * v * s * (1 - s) }
                }
            }
        case .swiglu:
            context.parallelFor(rows, minChunk: 16) { range in
                for r in range {
                    let a = x + r * 2 * m, b = a + m, y = act + r * m
                    for j in 0..<m { y[j] = a[j] / (1 + VectorMath.exp(-a[j])) * b[j] }
                }
            }
        }
    }

    /// `∂loss/∂fc1` from `g = ∂loss/∂act`: in place in `g` for the elementwise activations (from the
    /// saved derivative in `saved`); for SwiGLU into `dFc1` (`rows × 2m`) from the saved `fc1` output.
    /// - Returns: the buffer holding `∂loss/∂fc1`.
    static func backward(_ kind: ViTActivation, saved: UnsafePointer<Float>, grad g: UnsafeMutablePointer<Float>,
                         dFc1: UnsafeMutablePointer<Float>, rows: Int, hidden m: Int, context: ExecutionContext) -> UnsafePointer<Float> {
        guard kind == .swiglu else {
            GeluGrad.backward(derivative: saved, grad: g, count: rows * m, context: context)
            return UnsafePointer(g)
        }
        context.parallelFor(rows, minChunk: 16) { range in
            for r in range {
                let a = saved + r * 2 * m, b = a + m, gr = g + r * m, da = dFc1 + r * 2 * m, db = da + m
                for j in 0..<m {
                    let s = 1 / (1 + VectorMath.exp(-a[j]))
                    da[j] = gr[j] * b[j] * s * (1 + a[j] * (1 - s))
                    db[j] = gr[j] * a[j] * s
                }
            }
        }
        return UnsafePointer(dFc1)
    }
}
