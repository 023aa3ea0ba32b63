/// ONNX `GatherND(data[r dims], indices I64[q dims]) {batch_dims = b}`: each length-`k` index tuple (the last axis
/// of `indices`) picks a slice `data[batch…, i₁, …, i_k, :]`; output shape `indices.shape[:-1] + data.shape[b+k:]`.
/// The first `b` axes of both are batch axes and must agree. Negative indices count from the end; one out of range
/// is an error naming the node. Any dtype (the slices are copied bytewise).
struct GatherNDKernel: OpKernel {
    let kind = "GatherND"

    /// `k`, the slice shape and the output shape for data and indices shapes (`nil` dimensions stay symbolic).
    static func plan(_ node: Node, data: [Dim], indices: [Dim]) throws -> (k: Int, out: [Dim]) {
        let b = node.int("batch_dims") ?? 0
        try KernelCheck.require(b >= 0 && b < min(data.count, indices.count), node, "batch_dims \(b) must be below both ranks")
        guard let k = indices.last?.value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "the indices' last dimension must be fixed, is \(indices.shapeDescription)")
        }
        try KernelCheck.require(k >= 1 && k <= data.count - b, node, "index tuples of \(k) do not fit data \(data.shapeDescription) after \(b) batch axes")
        for a in 0..<b where data[a].value != nil && indices[a].value != nil {
            try KernelCheck.require(data[a] == indices[a], node, "batch axis \(a) differs: data \(data.shapeDescription), indices \(indices.shapeDescription)")
        }
        return (k, Array(indices.dropLast()) + Array(data[(b + k)...]))
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        try KernelCheck.require(inputs[1].dtype == .i64 || inputs[1].dtype == .i32, node, "indices must be I64 or I32, are \(inputs[1].dtype.rawValue)")
        let (_, out) = try Self.plan(node, data: inputs[0].shape, indices: inputs[1].shape)
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let data = inputs[0], idx = inputs[1]
        let b = node.int("batch_dims") ?? 0
        let (k, outDims) = try Self.plan(node, data: data.shape.map { .fixed($0) }, indices: idx.shape.map { .fixed($0) })
        let out = try KernelAllocation.tensor(node, data.dtype, outDims.map { $0.value ?? 0 })
        let es = data.dtype.byteSize, strides = TensorIndexing.strides(data.shape)
        let slice = data.shape[(b + k)...].reduce(1, *)
        let batches = data.shape[..<b].reduce(1, *), perBatch = idx.count / max(1, k) / max(1, batches)
        let values = idx.intArray()
        let batchStride = b == 0 ? 0 : strides[b - 1]
        for t in 0..<(idx.count / k) {
            var offset = (t / max(1, perBatch)) * batchStride
            for j in 0..<k {
                let dim = data.shape[b + j]
                var i = values[t * k + j]
                if i < 0 { i += dim }
                try KernelCheck.require(i >= 0 && i < dim, node, "index \(values[t * k + j]) is out of range for axis \(b + j) of \(data.shape)")
                offset += i * strides[b + j]
            }
            (out.mutableRawPointer + t * slice * es).copyMemory(from: data.rawPointer + offset * es, byteCount: slice * es)
        }
        return [out]
    }
}
