/// `LinearPacked(x[..., K], packed[P, K, 32], bias[Nout]?, residual[..., Nout]?) {out_features, epilogue?}`
/// -> `[..., Nout]`: a `Linear` whose constant weight `FloatGEMM.pack` has laid out for vitopt's fp32
/// micro-kernels, optionally finished by an epilogue (`LinearEpilogueFusion`): `"gelu"` (erf GELU)
/// or `"residual"` (adds the last input, which has the output's shape). Created inside the executor;
/// never saved.
struct PackedLinearKernel: ResidualEpilogueKernel {
    let kind = OpKind.linearPacked

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        let residual = node.hasResidualEpilogue
        try KernelCheck.arity(node, inputs.count, residual ? 3...4 : 2...3)
        try KernelCheck.floats(node, inputs)
        guard let nOut = node.int("out_features") else { throw GraphError.missingAttribute(node: node.name, name: "out_features") }
        if let e = node.string("epilogue"), e != "gelu" && e != "residual" {
            throw GraphError.shapeMismatch(node: node.name, detail: "epilogue must be \"gelu\" or \"residual\", is \"\(e)\"")
        }
        let k = try KernelCheck.fixed(node, inputs[0], axis: -1)
        try KernelCheck.rank(node, inputs[1], 3)
        try KernelCheck.require(inputs[1].shape[1] == .fixed(k) && inputs[1].shape[2] == .fixed(FloatGEMM.panelWidth), node,
                                "packed weight \(inputs[1].shape.shapeDescription) does not fit \(k) input features")
        let out = Array(inputs[0].shape.dropLast()) + [.fixed(nOut)]
        if residual {
            try KernelCheck.require(inputs.last!.shape == out, node,
                                    "residual \(inputs.last!.shape.shapeDescription) is not the output's shape \(out.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], packed = inputs[1]
        guard let nOut = node.int("out_features") else { throw GraphError.missingAttribute(node: node.name, name: "out_features") }
        let k = packed.shape[1], rows = x.count / max(1, k)
        let shape = Array(x.shape.dropLast()) + [nOut]
        let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
        let residual = node.hasResidualEpilogue
        let hasBias = inputs.count == (residual ? 4 : 3)
        var epilogue = FloatGEMM.Epilogue.none
        if node.string("epilogue") == "gelu" { epilogue = .gelu }
        if residual {
            let r = inputs.last!
            guard r.shape == shape else {
                throw GraphError.shapeMismatch(node: node.name, detail: "residual \(r.shape) is not the output's shape \(shape)")
            }
            epilogue = .residual(r.floats)
        }
        FloatGEMM.multiply(x.floats, m: rows, k: k, packed: packed, n: nOut, bias: hasBias ? inputs[2].floats : nil,
                           into: out.mutableFloats, path: FloatGEMM.Path(rawValue: node.int("path") ?? 0) ?? .scalar,
                           epilogue: epilogue, context: context)
        return [out]
    }
}
