/// `ScatterND(data, indices, updates) {reduction = "none"}`: a copy of `data` in which each index
/// tuple (the last axis of `indices`, of length q ≤ rank) selects a slice that is replaced by the
/// matching slice of `updates` (later tuples win on duplicates, as ONNX Runtime's sequential
/// loop). Negative indices count from the end; out of range is an error naming the node. Other
/// reductions are refused. Any dtype.
struct ScatterNDKernel: OpKernel {
    let kind = "ScatterND"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        let reduction = node.string("reduction") ?? "none"
        try KernelCheck.require(reduction == "none", node, "reduction \"\(reduction)\" is not supported")
        try KernelCheck.require(!inputs[1].dtype.isFloatingPoint, node, "indices must be integers")
        try KernelCheck.require(!inputs[1].shape.isEmpty, node, "indices must have rank ≥ 1")
        return [ValueInfo(name: "", dtype: inputs[0].dtype.isFloatingPoint ? .f32 : inputs[0].dtype, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let float = inputs[0].dtype.isFloatingPoint
        let data = float ? inputs[0].asF32() : inputs[0], indices = inputs[1]
        let updates = float ? inputs[2].asF32() : inputs[2]
        try KernelCheck.require(updates.dtype == data.dtype, node, "updates \(updates.dtype.rawValue) differ from data \(data.dtype.rawValue)")
        guard let q = indices.shape.last, q >= 1, q <= data.rank else {
            throw GraphError.shapeMismatch(node: node.name, detail: "indices \(indices.shape) do not index data \(data.shape)")
        }
        let tuples = indices.count / q
        let expected = Array(indices.shape.dropLast()) + Array(data.shape[q...])
        try KernelCheck.require(updates.shape == expected, node, "updates \(updates.shape) must have shape \(expected)")
        let out = data.copy()
        let es = data.dtype.byteSize, strides = TensorIndexing.strides(data.shape)
        let slice = data.shape[q...].reduce(1, *) * es
        try KernelAllocation.reserve(node, indices.count, elementBytes: MemoryLayout<Int>.size, role: "indices")
        let idx = indices.intArray()
        for t in 0..<tuples {
            var off = 0
            for d in 0..<q {
                let raw = idx[t * q + d], i = raw < 0 ? raw + data.shape[d] : raw
                guard i >= 0 && i < data.shape[d] else {
                    throw GraphError.shapeMismatch(node: node.name, detail: "index \(raw) out of range for axis \(d) of size \(data.shape[d])")
                }
                off += i * strides[d]
            }
            (out.mutableRawPointer + off * es).copyMemory(from: updates.rawPointer + t * slice, byteCount: slice)
        }
        return [out]
    }
}
