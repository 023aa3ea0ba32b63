/// `Gather(data, indices) {axis}`: `out = data[:, …, indices, …]` (negative indices wrap). Any dtype.
struct GatherKernel: OpKernel {
    let kind = "Gather"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        let x = inputs[0]
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.shape.count)
        try KernelCheck.require(!inputs[1].dtype.isFloatingPoint, node, "indices must be integers")
        _ = try KernelCheck.fixed(node, x, axis: axis)
        return [ValueInfo(name: "", dtype: x.dtype, shape: Array(x.shape[..<axis]) + inputs[1].shape + Array(x.shape[(axis + 1)...]))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: x.rank)!
        let dim = x.shape[axis]
        let idx = try inputs[1].intArray().map { i -> Int in
            let v = i < 0 ? i + dim : i
            guard v >= 0 && v < dim else { throw GraphError.shapeMismatch(node: node.name, detail: "index \(i) out of range for axis of size \(dim)") }
            return v
        }
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *) * x.dtype.byteSize
        let out = try KernelAllocation.tensor(node, x.dtype, Array(x.shape[..<axis]) + inputs[1].shape + Array(x.shape[(axis + 1)...]),
                                              zeroed: false)
        var dst = out.mutableRawPointer
        for o in 0..<outer {
            for i in idx {
                dst.copyMemory(from: x.rawPointer + (o * dim + i) * inner, byteCount: inner)
                dst += inner
            }
        }
        return [out]
    }
}
