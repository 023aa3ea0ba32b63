/// `LinearPacked(x[..., K], packed[P, K, 32], bias[Nout]?) {out_features}` -> `[..., Nout]`: a `Linear`
/// whose constant weight `FloatGEMM.pack` has laid out for vitopt's fp32 micro-kernels. Created by
/// `PackLinearWeightsPass` inside the executor; never saved.
struct PackedLinearKernel: OpKernel {
    let kind = "LinearPacked"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        guard let nOut = node.int("out_features") else { throw GraphError.missingAttribute(node: node.name, name: "out_features") }
        let k = try KernelCheck.fixed(node, inputs[0], axis: -1)
        try KernelCheck.rank(node, inputs[1], 3)
        try KernelCheck.require(inputs[1].shape[1] == .fixed(k) && inputs[1].shape[2] == .fixed(FloatGEMM.panelWidth), node,
                                "packed weight \(inputs[1].shape.shapeDescription) does not fit \(k) input features")
        return [ValueInfo(name: "", shape: Array(inputs[0].shape.dropLast()) + [.fixed(nOut)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], packed = inputs[1]
        let nOut = node.int("out_features")!, k = packed.shape[1], rows = x.count / k
        let out = Tensor(zeros: .f32, shape: Array(x.shape.dropLast()) + [nOut])
        FloatGEMM.multiply(x.floats, m: rows, k: k, packed: packed, n: nOut, bias: inputs.count == 3 ? inputs[2].floats : nil,
                           into: out.mutableFloats, path: FloatGEMM.Path(rawValue: node.int("path") ?? 0) ?? .scalar,
                           context: context)
        return [out]
    }
}
