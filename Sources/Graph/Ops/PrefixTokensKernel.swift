/// `PrefixTokens(x[N,T,D], t1[1,k1,D], t2[1,k2,D], …) -> [N, k1+k2+…+T, D]`: prepends the learned
/// tokens (class, distillation, register) to every sequence of the batch, in input order. Exact copy.
struct PrefixTokensKernel: OpKernel {
    let kind = OpKind.prefixTokens

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...16)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0]
        try KernelCheck.rank(node, x, 3)
        let d = try KernelCheck.fixed(node, x, axis: 2), t = try KernelCheck.fixed(node, x, axis: 1)
        var total = t
        for tok in inputs.dropFirst() {
            try KernelCheck.rank(node, tok, 3)
            try KernelCheck.require(tok.shape[0] == .fixed(1) && tok.shape[2] == .fixed(d), node,
                                    "token '\(tok.name)' must be [1,k,\(d)], is \(tok.shape.shapeDescription)")
            total += try KernelCheck.fixed(node, tok, axis: 1)
        }
        return [ValueInfo(name: "", shape: [x.shape[0], .fixed(total), .fixed(d)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let prefix = inputs.dropFirst().reduce(0) { $0 + $1.shape[1] }
        let out = try KernelAllocation.tensor(node, .f32, [n, prefix + t, d], zeroed: false)
        let y = out.mutableFloats
        for b in 0..<n {
            var row = y + b * (prefix + t) * d
            for tok in inputs.dropFirst() {
                row.update(from: tok.floats, count: tok.count)
                row += tok.count
            }
            row.update(from: x.floats + b * t * d, count: t * d)
        }
        return [out]
    }
}
