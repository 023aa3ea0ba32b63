/// `Concat(a, b, …) {axis}`, any dtype (float inputs as F32).
struct ConcatKernel: OpKernel {
    let kind = "Concat"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...4096)
        let rank = inputs[0].shape.count
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: rank)
        var total = 0
        for i in inputs {
            try KernelCheck.require(i.shape.count == rank, node, "inputs differ in rank")
            for d in 0..<rank where d != axis {
                try KernelCheck.require(i.shape[d] == inputs[0].shape[d], node, "inputs differ off the concat axis: \(inputs.map { $0.shape.shapeDescription })")
            }
            total += try KernelCheck.fixed(node, i, axis: axis)
        }
        var s = inputs[0].shape
        s[axis] = .fixed(total)
        return [ValueInfo(name: "", dtype: inputs[0].dtype.isFloatingPoint ? .f32 : inputs[0].dtype, shape: s)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let parts = inputs.map { $0.dtype.isFloatingPoint ? $0.asF32() : $0 }
        let rank = parts[0].rank
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: rank)!
        var shape = parts[0].shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let out = try KernelAllocation.tensor(node, parts[0].dtype, shape, zeroed: false)
        let outer = shape[..<axis].reduce(1, *)
        let es = parts[0].dtype.byteSize
        let rowBytes = shape[axis...].reduce(1, *) * es
        var col = 0
        for p in parts {
            let chunk = p.shape[axis...].reduce(1, *) * es
            for o in 0..<outer { (out.mutableRawPointer + o * rowBytes + col).copyMemory(from: p.rawPointer + o * chunk, byteCount: chunk) }
            col += chunk
        }
        return [out]
    }
}
