/// `GatherElements(data, indices) {axis = 0}`: `out[i…] = data[i…]` with the index along `axis`
/// replaced by `indices[i…]` (negative indices count from the end; out of range is an error naming
/// the node). `data` and `indices` have the same rank; the output has the indices' shape. Any dtype.
struct GatherElementsKernel: OpKernel {
    let kind = "GatherElements"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        let (x, idx) = (inputs[0], inputs[1])
        try KernelCheck.require(!idx.dtype.isFloatingPoint, node, "indices must be integers")
        try KernelCheck.require(x.shape.count == idx.shape.count && !x.shape.isEmpty, node,
                                "data \(x.shape.shapeDescription) and indices \(idx.shape.shapeDescription) differ in rank")
        _ = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.shape.count)
        return [ValueInfo(name: "", dtype: x.dtype.isFloatingPoint ? .f32 : x.dtype, shape: idx.shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let indices = inputs[1]
        try KernelCheck.require(x.rank == indices.rank && x.rank > 0, node, "data \(x.shape) and indices \(indices.shape) differ in rank")
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.rank)
        for d in 0..<x.rank where d != axis {
            try KernelCheck.require(indices.shape[d] <= x.shape[d], node, "indices \(indices.shape) exceed data \(x.shape) off the axis")
        }
        try KernelAllocation.reserve(node, indices.count, elementBytes: MemoryLayout<Int>.size, role: "indices")
        let idx = indices.intArray(), dim = x.shape[axis], es = x.dtype.byteSize
        let xs = TensorIndexing.strides(x.shape)
        let out = try KernelAllocation.tensor(node, x.dtype, indices.shape, zeroed: false)
        var pos = [Int](repeating: 0, count: x.rank)
        for (n, raw) in idx.enumerated() {
            let i = raw < 0 ? raw + dim : raw
            guard i >= 0 && i < dim else {
                throw GraphError.shapeMismatch(node: node.name, detail: "index \(raw) out of range for axis \(axis) of size \(dim)")
            }
            var off = 0
            for d in 0..<x.rank { off += (d == axis ? i : pos[d]) * xs[d] }
            (out.mutableRawPointer + n * es).copyMemory(from: x.rawPointer + off * es, byteCount: es)
            var d = x.rank - 1
            while d >= 0 { pos[d] += 1; if pos[d] < indices.shape[d] { break }; pos[d] = 0; d -= 1 }
        }
        return [out]
    }
}
