internal import CInt8GEMM
import Graph

/// Activations quantized for the int8 GEMM: u8 rows of stride `paddedK` (zero padding), with one
/// scale and zero point per row so that `x ≈ (q − zp) · scale`.
public struct QuantizedRows: @unchecked Sendable {
    public let rows: Int
    public let features: Int
    /// U8 `[rows, paddedK]`.
    public let values: Tensor
    /// F32 `[rows]`.
    public let scales: Tensor
    /// I32 `[rows]`.
    public let zeroPoints: Tensor

    public var paddedK: Int { values.shape[1] }

    /// Zeroed storage for `rows` × `features` (`zeroed: false` for producers that fill every row,
    /// padding included, through `quantize`/`store`).
    public init(rows: Int, features: Int, zeroed: Bool = true) {
        self.rows = rows
        self.features = features
        let shape = [rows, Int(vitopt_i8_padded_k(Int32(features)))]
        values = zeroed ? Tensor(zeros: .u8, shape: shape) : Tensor(uninitialized: .u8, shape: shape)
        scales = Tensor(zeros: .f32, shape: [rows])
        zeroPoints = Tensor(zeros: .i32, shape: [rows])
    }

    /// Wraps tensors made by a fused producer (`values` U8 `[rows, paddedK]`, scales, zero points).
    public init(values: Tensor, scales: Tensor, zeroPoints: Tensor, features: Int) {
        self.rows = values.shape[0]
        self.features = features
        self.values = values
        self.scales = scales
        self.zeroPoints = zeroPoints
    }

    /// Quantizes `rows` rows of `features` floats from `x`: asymmetric u8 with the range widened to
    /// contain 0, `scale = (max − min) / 255`, `zp = round(−min / scale)`, `q = clamp(rint(x / scale) + zp)`
    /// (round half to even), per row or — `perTensor` — one range for the whole matrix. Per-row work is
    /// split across `context`'s threads.
    public static func quantize(_ x: UnsafePointer<Float>, rows: Int, features: Int, perTensor: Bool,
                                context: ExecutionContext) -> QuantizedRows {
        let q = QuantizedRows(rows: rows, features: features, zeroed: false)
        let a = q.values.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        let s = q.scales.mutableFloats, z = q.zeroPoints.mutableRawPointer.assumingMemoryBound(to: Int32.self)
        let lda = q.paddedK
        if perTensor {
            vitopt_i8_quantize_rows(x, Int32(rows), Int32(features), Int32(features), 1, a, Int32(lda), s, z)
        } else {
            context.parallelFor(rows, minChunk: 16) { r in
                vitopt_i8_quantize_rows(x + r.lowerBound * features, Int32(r.count), Int32(features), Int32(features), 0,
                                        a + r.lowerBound * lda, Int32(lda), s + r.lowerBound, z + r.lowerBound)
            }
        }
        return q
    }

    /// Quantizes one row `x[0..<features]` into row `r`, finding its range first (`vitopt_i8_row_range`,
    /// the same range `quantize` uses).
    func store(row r: Int, from x: UnsafePointer<Float>) {
        var lo: Float = 0, hi: Float = 0
        vitopt_i8_row_range(x, Int32(features), &lo, &hi)
        store(row: r, from: x, lo: lo, hi: hi)
    }

    /// One row quantized by the portable loop (`simd: false`) or the SIMD one (for tests: they agree bit for bit).
    static func quantizeRow(_ x: [Float], simd: Bool) -> (values: [UInt8], scale: Float, zeroPoint: Int32) {
        var lo: Float = 0, hi: Float = 0
        vitopt_i8_row_range(x, Int32(x.count), &lo, &hi)
        var a = [UInt8](repeating: 7, count: Int(vitopt_i8_padded_k(Int32(x.count))))
        var s: Float = 0, z: Int32 = 0
        vitopt_i8_quantize_row_range_on(simd ? 1 : 0, x, Int32(x.count), lo, hi, &a, &s, &z)
        return (a, s, z)
    }

    /// Quantizes one row `x[0..<features]` with the known range `[lo, hi]` into row `r`.
    func store(row r: Int, from x: UnsafePointer<Float>, lo: Float, hi: Float) {
        let a = values.mutableRawPointer.assumingMemoryBound(to: UInt8.self) + r * paddedK
        vitopt_i8_quantize_row_range(x, Int32(features), lo, hi, a, scales.mutableFloats + r,
                                     zeroPoints.mutableRawPointer.assumingMemoryBound(to: Int32.self) + r)
    }
}
