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
