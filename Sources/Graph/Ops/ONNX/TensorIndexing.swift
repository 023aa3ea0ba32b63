/// Row-major index arithmetic shared by the ONNX layout kernels.
enum TensorIndexing {
    /// Element strides of a row-major `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            s[d] = acc
            acc *= shape[d]
        }
        return s
    }

    /// Normalises a possibly negative axis against `rank`, or `nil` when out of range.
    static func axis(_ a: Int, rank: Int) -> Int? {
        let v = a < 0 ? a + rank : a
        return v >= 0 && v < rank ? v : nil
    }

    /// Copies elements of `byteSize` from `src` into a dense `outShape` destination, where output
    /// index `i` reads `src + Σ i_d · srcStrides[d]` (element strides, 0 for broadcast axes).
    /// A trailing axis with source stride 1 is copied as one contiguous run.
    static func gather(_ src: UnsafeRawPointer, srcStrides: [Int], outShape: [Int], byteSize: Int,
                       into dst: UnsafeMutableRawPointer) {
        let total = outShape.reduce(1, *)
        guard total > 0 else { return }
        let rank = outShape.count
        if rank == 0 { dst.copyMemory(from: src, byteCount: byteSize); return }
        let inner = outShape[rank - 1]
        let contiguous = srcStrides[rank - 1] == 1
        let runBytes = inner * byteSize
        var index = [Int](repeating: 0, count: rank)
        var out = dst
        var rows = total / inner
        while rows > 0 {
            var off = 0
            for d in 0..<(rank - 1) { off += index[d] * srcStrides[d] }
            if contiguous {
                out.copyMemory(from: src + off * byteSize, byteCount: runBytes)
            } else {
                let st = srcStrides[rank - 1]
                for j in 0..<inner { (out + j * byteSize).copyMemory(from: src + (off + j * st) * byteSize, byteCount: byteSize) }
            }
            out += runBytes
            rows -= 1
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < outShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }

    /// `x` with its axes permuted (`out.shape[i] = x.shape[perm[i]]`), any dtype.
    static func transpose(_ x: Tensor, _ perm: [Int]) -> Tensor {
        let s = strides(x.shape)
        let outShape = perm.map { x.shape[$0] }
        let out = Tensor(zeros: x.dtype, shape: outShape)
        gather(x.rawPointer, srcStrides: perm.map { s[$0] }, outShape: outShape, byteSize: x.dtype.byteSize, into: out.mutableRawPointer)
        return out
    }

    /// `x` broadcast to `shape` (NumPy rules), any dtype, for `node`.
    /// - Throws: `GraphError.shapeMismatch` when `x` does not broadcast to `shape`; `TensorError` when
    ///   `shape` has no size (negative or overflowing) or does not fit in memory.
    static func broadcast(_ x: Tensor, to shape: [Int], node: Node) throws -> Tensor {
        if x.shape == shape { return x }
        let padded = [Int](repeating: 1, count: max(0, shape.count - x.rank)) + x.shape
        guard padded.count == shape.count, zip(padded, shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "cannot broadcast \(x.shape) to \(shape)")
        }
        let out = try KernelAllocation.tensor(node, x.dtype, shape, role: "broadcast")
        gather(x.rawPointer, srcStrides: Broadcast.strides(x.shape, into: shape), outShape: shape, byteSize: x.dtype.byteSize,
               into: out.mutableRawPointer)
        return out
    }
}
