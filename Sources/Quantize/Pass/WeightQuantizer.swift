#if canImport(Glibc)
import Glibc
#endif
import Graph

/// Symmetric per-output-channel int8 weights: `scale[n] = max_k |W[n][k]| / 127` (1 for an all-zero
/// row), `q = clamp(rint(W / scale), −127, 127)` with round half to even, so `|W − q·scale| ≤ scale/2`.
public enum WeightQuantizer {
    public struct Quantized: @unchecked Sendable {
        /// I8 `[N, K]`.
        public let weight: Tensor
        /// F32 `[N]`.
        public let scale: Tensor
    }

    /// Quantizes a float `[N, K]` weight.
    /// - Throws: `QuantizeError.unsupportedWeight` for a non-float, non-2-D or non-finite weight.
    public static func quantize(_ w: Tensor, node: String, name: String) throws -> Quantized {
        guard w.dtype.isFloatingPoint else {
            throw QuantizeError.unsupportedWeight(node: node, tensor: name, detail: "dtype \(w.dtype.rawValue) cannot be quantized (expected a float type)")
        }
        guard w.rank == 2, w.shape[0] > 0, w.shape[1] > 0 else {
            throw QuantizeError.unsupportedWeight(node: node, tensor: name, detail: "expected a 2-D [out, in] weight, got shape \(w.shape)")
        }
        let n = w.shape[0], k = w.shape[1]
        let q = Tensor(zeros: .i8, shape: [n, k]), s = Tensor(zeros: .f32, shape: [n])
        try w.withFloats { f in
            try q.withMutableElements(as: Int8.self) { qp in
                try s.withMutableFloats { sp in
                    for r in 0..<n {
                        let row = f[(r * k)..<(r * k + k)]
                        var m: Float = 0
                        for (i, v) in zip(0..., row) {
                            guard v.isFinite else {
                                throw QuantizeError.unsupportedWeight(node: node, tensor: name, detail: "non-finite value \(v) at [\(r), \(i)]")
                            }
                            m = max(m, abs(v))
                        }
                        let scale: Float = m > 0 ? m / 127 : 1
                        sp[r] = scale
                        for i in 0..<k { qp[r * k + i] = Int8(max(-127, min(127, (f[r * k + i] / scale).rounded(.toNearestOrEven)))) }
                    }
                }
            }
        }
        return Quantized(weight: q, scale: s)
    }

    /// `q · scale` as F32 `[N, K]`.
    public static func dequantize(_ q: Tensor, scale: Tensor) -> Tensor {
        let n = q.shape[0], k = q.shape[1]
        let out = Tensor(zeros: .f32, shape: [n, k])
        q.withElements(as: Int8.self) { qp in
            scale.withFloats { s in
                out.withMutableFloats { o in
                    for r in 0..<n { for i in 0..<k { o[r * k + i] = Float(qp[r * k + i]) * s[r] } }
                }
            }
        }
        return out
    }

    /// Signal-to-quantization-noise ratio `10·log10(Σ x² / Σ (x − x̂)²)` in dB (+inf when exact).
    public static func sqnr(_ x: Tensor, _ approx: Tensor) -> Double {
        var sig = 0.0, noise = 0.0
        x.withFloats { a in
            approx.withFloats { b in
                for i in 0..<min(a.count, b.count) {
                    sig += Double(a[i]) * Double(a[i]); let d = Double(a[i]) - Double(b[i]); noise += d * d
                }
            }
        }
        return noise == 0 ? .infinity : 10 * log10(sig / noise)
    }
}
