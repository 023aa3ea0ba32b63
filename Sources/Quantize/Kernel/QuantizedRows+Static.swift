internal import CInt8GEMM
import Graph

extension QuantizedRows {
    /// Quantizes `rows` rows of `features` floats from `x` with one calibrated scale and zero point
    /// (`StaticActivation`'s contract: saturating, round half to even); every row's scale and zero
    /// point entry is `q`'s, so the GEMM epilogue is the dynamic path's. Rows are split across threads.
    public static func quantize(_ x: UnsafePointer<Float>, rows: Int, features: Int, with q: StaticActivation,
                                context: ExecutionContext) -> QuantizedRows {
        let out = QuantizedRows(rows: rows, features: features, zeroed: false)
        let a = out.values.mutableRawPointer.assumingMemoryBound(to: UInt8.self), lda = out.paddedK
        out.fill(q)
        context.parallelFor(rows, minChunk: 16) { r in
            vitopt_i8_quantize_rows_static(x + r.lowerBound * features, Int32(r.count), Int32(features), Int32(features),
                                           q.scale, q.zeroPoint, a + r.lowerBound * lda, Int32(lda))
        }
        return out
    }

    /// Sets every row's scale and zero point to `q`'s.
    func fill(_ q: StaticActivation) {
        let s = scales.mutableFloats, z = zeroPoints.mutableRawPointer.assumingMemoryBound(to: Int32.self)
        for r in 0..<rows { s[r] = q.scale; z[r] = q.zeroPoint }
    }

    /// Quantizes one row `x[0..<features]` into row `r` with `q` (a fused producer's row; the caller
    /// fills the scales and zero points once with `fill`).
    func store(row r: Int, from x: UnsafePointer<Float>, with q: StaticActivation) {
        let a = values.mutableRawPointer.assumingMemoryBound(to: UInt8.self) + r * paddedK
        vitopt_i8_quantize_rows_static(x, 1, Int32(features), Int32(features), q.scale, q.zeroPoint, a, Int32(paddedK))
    }

    /// Rows quantized with `q` by the portable loop (`simd: false`) or the SIMD one (for tests).
    static func quantizeStatic(_ x: [Float], rows: Int, with q: StaticActivation, simd: Bool) -> [UInt8] {
        let k = x.count / max(1, rows), lda = Int(vitopt_i8_padded_k(Int32(k)))
        var a = [UInt8](repeating: 7, count: rows * lda)
        vitopt_i8_quantize_rows_static_on(simd ? 1 : 0, x, Int32(rows), Int32(k), Int32(k), q.scale, q.zeroPoint, &a, Int32(lda))
        return a
    }
}
