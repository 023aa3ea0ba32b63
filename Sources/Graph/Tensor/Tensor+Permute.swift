extension Tensor {
    /// The tensor with its axes reordered: output axis `k` is input axis `axes[k]` (NumPy's
    /// `transpose(axes)`), as a new contiguous owned tensor. Elements are moved as raw bytes, so the
    /// result is exact for every dtype.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank && Set(axes) == Set(0..<rank), "\(axes) is not a permutation of \(rank) axes")
        let outShape = axes.map { shape[$0] }
        let out = Tensor(zeros: dtype, shape: outShape)
        let n = count
        guard n > 0 else { return out }
        var inStrides = [Int](repeating: 1, count: rank)
        for k in stride(from: rank - 2, through: 0, by: -1) { inStrides[k] = inStrides[k + 1] * shape[k + 1] }
        let strides = axes.map { inStrides[$0] }
        let size = dtype.byteSize
        let src = rawPointer, dst = out.mutableRawPointer
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        for i in 0..<n {
            (dst + i * size).copyMemory(from: src + offset * size, byteCount: size)
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                offset += strides[k]
                if index[k] < outShape[k] { break }
                offset -= strides[k] * outShape[k]
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
