extension Tensor {
    /// The elements as `Int`, or `nil` when one cannot be represented exactly: a NaN, infinite or
    /// fractional float, a float of magnitude 2⁶² or more, or a U64 above `Int.max`.
    ///
    /// The passes read shape parameters, indices and fill values from file constants with this
    /// instead of `intArray()`, whose float-to-`Int` conversion traps on such values.
    func exactIntegers() -> [Int]? {
        switch dtype {
        case .i64, .i32, .i8, .u8, .bool:
            return intArray()
        case .u64:
            var out: [Int] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                let v = rawPointer.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                guard v <= UInt64(Int.max) else { return nil }
                out.append(Int(v))
            }
            return out
        default:
            var out: [Int] = []
            out.reserveCapacity(count)
            for f in floatArray() {
                guard f.isFinite, abs(f) < 0x1p62, f == f.rounded() else { return nil }
                out.append(Int(f))
            }
            return out
        }
    }
}
