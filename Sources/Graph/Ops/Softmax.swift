internal import CFloatGEMM
#if canImport(Glibc)
import Glibc
#endif

/// Softmax: `exp(x − max) / Σ exp(x − max)`, in fp32.
public enum Softmax {
    /// The softmax of one vector.
    public static func probabilities(_ x: [Float]) -> [Float] {
        var y = x
        y.withUnsafeMutableBufferPointer { rows($0.baseAddress!, rows: 1, width: x.count) }
        return y
    }

    /// Row-wise softmax in place over `rows` rows of `width`: the row max subtracted, `VectorMath.exp`,
    /// the sum in `VectorMath.sum`'s eight-lane order, then a multiply by its reciprocal (C kernels,
    /// bit-identical on every path to `rowsReference`).
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, path: FloatGEMM.Path = VectorMath.path) {
        vitopt_vsoftmax_rows(Int32(path.rawValue), x, rows, width)
    }

    /// `rows` after multiplying every element by `scale` (the same floats as a separate `x *= scale` pass).
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, scale: Float,
                            path: FloatGEMM.Path = VectorMath.path) {
        vitopt_vsoftmax_rows_scaled(Int32(path.rawValue), x, rows, width, scale)
    }

    /// `rows` (with `scale`) over rows of stride `ld >= width`; the padding after each row is untouched.
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, ld: Int, scale: Float = 1,
                            path: FloatGEMM.Path = VectorMath.path) {
        vitopt_vsoftmax_rows_strided(Int32(path.rawValue), x, rows, width, ld, scale)
    }

    /// The Swift definition `rows` reproduces.
    public static func rowsReference(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = x + r * width
            let m = VectorMath.minMax(row, width).max
            for i in 0..<width { row[i] = VectorMath.exp(row[i] - m) }
            let inv = 1 / VectorMath.sum(row, width)
            for i in 0..<width { row[i] *= inv }
        }
    }
}
