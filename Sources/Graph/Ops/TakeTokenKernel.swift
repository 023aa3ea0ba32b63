/// `TakeToken(x[N,T,D]) {index}` -> `[N,D]`: the hidden state of one token (class or distillation).
struct TakeTokenKernel: OpKernel {
    let kind = OpKind.takeToken

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        let t = try KernelCheck.fixed(node, inputs[0], axis: 1)
        guard let i = node.int("index") else { throw GraphError.missingAttribute(node: node.name, name: "index") }
        try KernelCheck.require(i >= 0 && i < t, node, "token index \(i) outside 0..<\(t)")
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], inputs[0].shape[2]])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        guard let i = node.int("index"), i >= 0, i < t else {
            throw GraphError.shapeMismatch(node: node.name, detail: "token index \(node.int("index").map(String.init) ?? "missing") outside 0..<\(t)")
        }
        let out = try KernelAllocation.tensor(node, .f32, [n, d], zeroed: false)
        for b in 0..<n { (out.mutableFloats + b * d).update(from: x.floats + (b * t + i) * d, count: d) }
        return [out]
    }
}
