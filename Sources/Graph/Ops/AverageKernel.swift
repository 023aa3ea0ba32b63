/// `Average(a, b, …)` of same-shaped tensors: `(a + b + …) / count`, summed left to right
/// (DeiT's `(head(x_cls) + head_dist(x_dist)) / 2`, bit-identical).
struct AverageKernel: OpKernel {
    let kind = OpKind.average

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...64)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.require(inputs.allSatisfy { $0.shape == inputs[0].shape }, node,
                                "inputs differ in shape: \(inputs.map { $0.shape.shapeDescription })")
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let out = inputs[0].copy()
        let y = out.mutableFloats
        for other in inputs.dropFirst() { let p = other.floats; for i in 0..<out.count { y[i] += p[i] } }
        let c = Float(inputs.count)
        for i in 0..<out.count { y[i] /= c }
        return [out]
    }
}
