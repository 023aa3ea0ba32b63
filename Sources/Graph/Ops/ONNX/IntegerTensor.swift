#if canImport(Glibc)
import Glibc
#endif

/// Builds integer (and BOOL) tensors from `Int` values.
enum IntegerTensor {
    static func make(_ values: [Int], shape: [Int], dtype: DType = .i64) -> Tensor {
        let out = Tensor(zeros: dtype, shape: shape)
        let p = out.mutableRawPointer
        for (i, v) in values.enumerated() {
            switch dtype {
            case .i64: p.storeBytes(of: Int64(v), toByteOffset: i * 8, as: Int64.self)
            case .i32: p.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: i * 4, as: Int32.self)
            case .bool, .u8: p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
            case .i8: p.storeBytes(of: Int8(truncatingIfNeeded: v), toByteOffset: i, as: Int8.self)
            default: p.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self)
            }
        }
        return out
    }
}
