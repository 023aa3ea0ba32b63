/// ONNX `GlobalAveragePool(x[N, C, D1, …])` → `[N, C, 1, …]`: the mean over the spatial axes, summed in
/// order in fp32 and divided by the count.
struct GlobalAveragePoolKernel: OpKernel {
    let kind = "GlobalAveragePool"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0]
        try KernelCheck.require(x.shape.count >= 3, node, "input must have rank 3 or more, has \(x.shape.shapeDescription)")
        for a in 1..<x.shape.count { _ = try KernelCheck.fixed(node, x, axis: a) }
        return [ValueInfo(name: "", shape: [x.shape[0], x.shape[1]] + Array(repeating: .fixed(1), count: x.shape.count - 2))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let rows = x.shape[0] * x.shape[1], size = x.shape.dropFirst(2).reduce(1, *)
        try KernelCheck.require(size > 0, node, "empty spatial axes")
        let out = try KernelAllocation.tensor(node, .f32, [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.shape.count - 2))
        let s = x.floats, y = out.mutableFloats
        for r in 0..<rows {
            var sum: Float = 0
            for i in 0..<size { sum += s[r * size + i] }
            y[r] = sum / Float(size)
        }
        return [out]
    }
}
