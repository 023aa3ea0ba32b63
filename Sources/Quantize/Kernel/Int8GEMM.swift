internal import CInt8GEMM
import Graph

/// The int8 GEMM: `y[m][n] = (Σ_k q[m][k]·W[n][k] − zp[m]·colsum[n]) · scale[m] · wscale[n] + bias[n]`.
///
/// The int32 sum is exact; the epilogue is `fmaf(Float(acc − zp·colsum), scale·wscale, bias)` on
/// every path, so all paths write bit-identical floats. Work is split across threads by panels of
/// 64 output columns (each thread streams its own weight columns; activations are shared).
public enum Int8GEMM {
    /// fp32 output `[rows, N]` (row stride `ldc`) into `c`; with `residual` (same layout, not `c`),
    /// `c = epilogue + residual` (one fp32 add, as a separate `Add` would do).
    public static func run(_ a: QuantizedRows, _ w: PackedWeights, into c: UnsafeMutablePointer<Float>, ldc: Int,
                           residual: UnsafePointer<Float>? = nil, path: Int8KernelPath, context: ExecutionContext) {
        dispatch(a, w, raw: false, into: UnsafeMutableRawPointer(c), ldc: ldc, residual: residual, path: path, context: context)
    }

    /// Raw int32 accumulators `Σ_k q[m][k]·W[n][k]` (no zero-point correction, scales or bias): for testing.
    public static func runRaw(_ a: QuantizedRows, _ w: PackedWeights, into c: UnsafeMutablePointer<Int32>, ldc: Int,
                              path: Int8KernelPath, context: ExecutionContext) {
        dispatch(a, w, raw: true, into: UnsafeMutableRawPointer(c), ldc: ldc, residual: nil, path: path, context: context)
    }

    private static func dispatch(_ a: QuantizedRows, _ w: PackedWeights, raw: Bool, into c: UnsafeMutableRawPointer, ldc: Int,
                                 residual: UnsafePointer<Float>?, path: Int8KernelPath, context: ExecutionContext) {
        precondition(a.features == w.inFeatures, "activations have \(a.features) features, weights \(w.inFeatures)")
        let aPtr = a.values.rawPointer.assumingMemoryBound(to: UInt8.self)
        let zp = a.zeroPoints.rawPointer.assumingMemoryBound(to: Int32.self), s = a.scales.floats
        let packed = UnsafeRawPointer(w.storage.base)
        let m = Int32(a.rows), k = Int32(w.inFeatures), n = Int32(w.outFeatures), lda = Int32(a.paddedK)
        nonisolated(unsafe) let out = c
        // A second thread pays once each gets ~1M multiply-adds: the pool's spinning workers start
        // within microseconds (ViT-Ti's 65×192×576, 7M: ~500 GOP/s on one thread, ~890 on two).
        let perPanel = max(1, a.rows * a.paddedK * 64)
        context.parallelFor(w.panels, minChunk: max(1, (1 << 20) / perPanel)) { range in
            vitopt_i8_gemm(path.code, raw ? 1 : 0, m, k, n, aPtr, lda, zp, s, packed,
                           Int32(range.lowerBound), Int32(range.upperBound), out, Int32(ldc), residual)
        }
    }
}
