internal import CBF16GEMM
internal import CFloatGEMM
#if canImport(Glibc)
import Glibc
#endif

extension BF16GEMM {
    /// `multiply` on the `widened` path: A rounded, widened and pair-swapped once into a scratch shared by the
    /// threads (and packed for the fp32 kernel where it reads A packed), then the threads split the fp32
    /// GEMM's 32-column panels, each running `vitopt_bf16_gemm_widened` (FTZ/DAZ around the sums, the
    /// epilogue after them in the caller's mode).
    /// - Throws: `TensorError` when a scratch cannot be allocated; `GraphError` when `packed` is not the
    ///   widened layout.
    static func multiplyWidened(_ a: UnsafePointer<Float>, m: Int, k: Int, packed: Tensor, n: Int, bias: UnsafePointer<Float>?,
                                into c: UnsafeMutablePointer<Float>, epilogue: FloatGEMM.Epilogue, context: ExecutionContext) throws {
        let kp = paddedK(k)
        let layout = packedLayout(n: n, k: k, path: .widened)
        guard packed.dtype == layout.dtype, packed.shape == layout.shape else {
            throw GraphError.unsupported("bf16 weight packed as \(packed.dtype.rawValue) \(packed.shape) is not the widened layout \(layout.shape)")
        }
        let rows = try Tensor(uninitialized: .f32, shape: [max(1, m), kp], for: "widened bf16 activations (\(m) × \(kp))")
        let wide = rows.mutableFloats
        context.parallelFor(m, minChunk: max(1, (1 << 15) / max(1, k))) { r in
            vitopt_bf16_widen_rows(a, Int32(k), Int32(k), wide, Int32(kp), Int32(r.lowerBound), Int32(r.upperBound))
        }
        let sgemmPath = Int32(vitopt_sgemm_best_path())
        let aSize = Int(vitopt_sgemm_packed_a_size(sgemmPath, Int32(m), Int32(kp)))
        var aPacked: Tensor?
        if aSize > 0 {
            let t = try Tensor(uninitialized: .f32, shape: [aSize], for: "packed widened bf16 activations (\(m) × \(kp))")
            let dst = t.mutableFloats
            let tiles = Int(vitopt_sgemm_a_tiles(sgemmPath, Int32(m)))
            context.parallelFor(tiles, minChunk: max(1, (1 << 16) / max(1, 14 * kp))) { r in
                vitopt_sgemm_pack_a_tiles(sgemmPath, Int32(m), Int32(kp), wide, Int32(kp), dst, Int32(r.lowerBound), Int32(r.upperBound))
            }
            aPacked = t
        }
        let (code, residual) = BF16GEMM.cEpilogue(epilogue)
        let w = packed.floats
        let shared = UnsafePointer(wide), sharedPacked = aPacked.map { UnsafePointer($0.mutableFloats) }
        let perPanel = max(1, m * kp * FloatGEMM.panelWidth)
        withExtendedLifetime((rows, aPacked)) {
            context.parallelFor(packed.shape[0], minChunk: max(2, (1 << 21) / perPanel)) { range in
                vitopt_bf16_gemm_widened(Int32(m), Int32(n), Int32(k), shared, Int32(kp), sharedPacked, w, bias, code, residual, c, Int32(n),
                                         Int32(range.lowerBound), Int32(range.upperBound))
            }
        }
    }
}
