import Graph

/// Overflow-checked size arithmetic for the readers of untrusted files.
///
/// Every element or byte count a file declares (a `.npy` shape, ONNX initializer dims, an HDF5
/// dataspace) goes through here before it is compared with the bytes actually present, and only
/// then is anything allocated or viewed. A negative dimension or a product that does not fit in
/// `Int` is reported as `nil`, never trapped on.
enum SizeCheck {
    /// The number of elements of `shape` (1 for a scalar), or `nil` when a dimension is negative or
    /// the product overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = m
        }
        return n
    }

    /// The bytes `shape` elements of `dtype` occupy, or `nil` on a negative dimension or overflow.
    static func byteCount(_ shape: [Int], _ dtype: DType) -> Int? {
        guard let n = elementCount(shape) else { return nil }
        let (b, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : b
    }

    /// `a + b` for non-negative operands, or `nil` when the sum overflows `Int`.
    static func sum(_ a: Int, _ b: Int) -> Int? {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : s
    }
}
