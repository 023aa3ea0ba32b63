/// `Linear(x[..., K], weight[Nout, K], bias[Nout]?) -> [..., Nout]`: `y = x·Wᵀ + b`, PyTorch's layout.
///
/// One `cblas_sgemm` over all leading rows with the bias pre-loaded into the output (beta = 1);
/// fp32 accumulation in OpenBLAS's order (agrees with PyTorch to ≈1e-6 relative).
struct LinearKernel: OpKernel {
    let kind = OpKind.linear

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0], w = inputs[1]
        try KernelCheck.rank(node, w, 2)
        let k = try KernelCheck.fixed(node, x, axis: -1)
        let nOut = try KernelCheck.fixed(node, w, axis: 0), wk = try KernelCheck.fixed(node, w, axis: 1)
        try KernelCheck.require(k == wk, node, "input has \(k) features, weight '\(w.name)' expects \(wk)")
        if inputs.count == 3 {
            try KernelCheck.require(inputs[2].shape == [.fixed(nOut)], node, "bias must be [\(nOut)], is \(inputs[2].shape.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: Array(x.shape.dropLast()) + [.fixed(nOut)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], w = inputs[1]
        let k = w.shape[1], nOut = w.shape[0], rows = x.count / max(1, k)
        let out = try KernelAllocation.tensor(node, .f32, Array(x.shape.dropLast()) + [nOut])
        BLAS.linear(x.floats, rows: rows, k: k, weight: w.floats, n: nOut, bias: inputs.count == 3 ? inputs[2].floats : nil,
                    into: out.mutableFloats, context: context)
        return [out]
    }
}
