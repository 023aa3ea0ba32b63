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

/// `MeanTokens(x[N,T,D]) {start}` -> `[N,D]`: the mean over tokens `start..<T` (timm `global_pool="avg"`,
/// which skips the prefix tokens). Summed in token order in fp32, then divided by the count.
struct MeanTokensKernel: OpKernel {
    let kind = OpKind.meanTokens

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        let t = try KernelCheck.fixed(node, inputs[0], axis: 1)
        let start = node.int("start") ?? 0
        try KernelCheck.require(start >= 0 && start < t, node, "start \(start) leaves no tokens of \(t)")
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], inputs[0].shape[2]])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let start = node.int("start") ?? 0
        try KernelCheck.require(start >= 0 && start < t, node, "start \(start) leaves no tokens of \(t)")
        let out = try KernelAllocation.tensor(node, .f32, [n, d])
        let y = out.mutableFloats
        for b in 0..<n {
            let row = y + b * d
            for tok in start..<t { let src = x.floats + (b * t + tok) * d; for j in 0..<d { row[j] += src[j] } }
            let inv = Float(t - start)
            for j in 0..<d { row[j] /= inv }
        }
        return [out]
    }
}

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
