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
        let f = w.asF32().floats
        let q = Tensor(zeros: .i8, shape: [n, k]), s = Tensor(zeros: .f32, shape: [n])
        let qp = q.mutableRawPointer.assumingMemoryBound(to: Int8.self), sp = s.mutableFloats
        for r in 0..<n {
            let row = f + r * k
            var m: Float = 0
            for i in 0..<k {
                guard row[i].isFinite else {
                    throw QuantizeError.unsupportedWeight(node: node, tensor: name, detail: "non-finite value \(row[i]) at [\(r), \(i)]")
                }
                m = max(m, abs(row[i]))
            }
            let scale: Float = m > 0 ? m / 127 : 1
            sp[r] = scale
            for i in 0..<k { qp[r * k + i] = Int8(max(-127, min(127, (row[i] / scale).rounded(.toNearestOrEven)))) }
        }
        return Quantized(weight: q, scale: s)
    }

    /// `q · scale` as F32 `[N, K]`.
    public static func dequantize(_ q: Tensor, scale: Tensor) -> Tensor {
        let n = q.shape[0], k = q.shape[1]
        let out = Tensor(zeros: .f32, shape: [n, k])
        let qp = q.rawPointer.assumingMemoryBound(to: Int8.self), s = scale.asF32().floats, o = out.mutableFloats
        for r in 0..<n { for i in 0..<k { o[r * k + i] = Float(qp[r * k + i]) * s[r] } }
        return out
    }

    /// Signal-to-quantization-noise ratio `10·log10(Σ x² / Σ (x − x̂)²)` in dB (+inf when exact).
    public static func sqnr(_ x: Tensor, _ approx: Tensor) -> Double {
        let a = x.asF32().floats, b = approx.asF32().floats
        var sig = 0.0, noise = 0.0
        for i in 0..<x.count { sig += Double(a[i]) * Double(a[i]); let d = Double(a[i]) - Double(b[i]); noise += d * d }
        return noise == 0 ? .infinity : 10 * log10(sig / noise)
    }
}
