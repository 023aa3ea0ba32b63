/// `Gemm(a, b, c?) {alpha = 1, beta = 1, transA = 0, transB = 0}`: `alpha·op(a)·op(b) + beta·c`,
/// `c` broadcast to [M, N]. fp32 through OpenBLAS.
struct GemmKernel: OpKernel {
    let kind = "Gemm"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.rank(node, inputs[0], 2)
        try KernelCheck.rank(node, inputs[1], 2)
        let ta = node.int("transA") == 1, tb = node.int("transB") == 1
        let a = inputs[0].shape, b = inputs[1].shape
        let (m, ka) = ta ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = tb ? (b[1], b[0]) : (b[0], b[1])
        try KernelCheck.require(ka == kb, node, "inner dimensions differ: \(a.shapeDescription) × \(b.shapeDescription)")
        if inputs.count == 3 { _ = try SymbolicShape.broadcast(inputs[2].shape, [m, n], node: node) }
        return [ValueInfo(name: "", shape: [m, n])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let a = inputs[0].asF32(), b = inputs[1].asF32()
        let ta = node.int("transA") == 1, tb = node.int("transB") == 1
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1], n = tb ? b.shape[0] : b.shape[1]
        let alpha = node.float("alpha") ?? 1, beta = node.float("beta") ?? 1
        let out = try KernelAllocation.tensor(node, .f32, [m, n])
        var betaEff: Float = 0
        if inputs.count == 3 {
            let c = try TensorIndexing.broadcast(inputs[2].asF32(), to: [m, n], node: node)
            out.mutableFloats.update(from: c.floats, count: m * n)
            betaEff = beta
        }
        BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, a: a.floats, lda: a.shape[1], b: b.floats, ldb: b.shape[1],
                   beta: betaEff, c: out.mutableFloats, ldc: n)
        return [out]
    }
}
