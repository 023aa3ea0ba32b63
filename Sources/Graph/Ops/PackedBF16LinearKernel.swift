/// `LinearPackedBF16(x[..., K], packed U16[P, Kp, 64] (F32[P, Kp, 32] on the widened path), bias[Nout]?, residual[..., Nout]?)
/// {out_features, path, epilogue?}`
/// -> F32 `[..., Nout]`: a `Linear` whose constant weight `BF16GEMM.pack` has rounded to bf16 and laid
/// out for the bf16 micro-kernels; `x` is rounded to bf16 at run time, sums are fp32 (see `BF16GEMM`).
/// The epilogues are `LinearPacked`'s: `"gelu"` (erf GELU) or `"residual"` (adds the last input).
/// Created inside the executor for `Precision.bf16`; never saved.
struct PackedBF16LinearKernel: ResidualEpilogueKernel {
    static let op = "LinearPackedBF16"
    let kind = PackedBF16LinearKernel.op

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        let residual = node.hasResidualEpilogue
        try KernelCheck.arity(node, inputs.count, residual ? 3...4 : 2...3)
        try KernelCheck.floats(node, [inputs[0]] + inputs.dropFirst(2))
        guard let nOut = node.int("out_features"), nOut >= 1 else { throw GraphError.missingAttribute(node: node.name, name: "out_features") }
        let path = try path(node)
        if let e = node.string("epilogue"), e != "gelu" && e != "residual" {
            throw GraphError.shapeMismatch(node: node.name, detail: "epilogue must be \"gelu\" or \"residual\", is \"\(e)\"")
        }
        let k = try KernelCheck.fixed(node, inputs[0], axis: -1)
        let layout = BF16GEMM.packedLayout(n: nOut, k: k, path: path)
        try KernelCheck.require(inputs[1].dtype == layout.dtype && inputs[1].shape == layout.shape.map { .fixed($0) },
                                node, "packed bf16 weight \(inputs[1].dtype.rawValue) \(inputs[1].shape.shapeDescription) does not fit \(k) input and \(nOut) output features")
        let out = Array(inputs[0].shape.dropLast()) + [.fixed(nOut)]
        if !residual, inputs.count == 3 {
            try KernelCheck.require(inputs[2].shape == [.fixed(nOut)], node, "bias \(inputs[2].shape.shapeDescription) is not [\(nOut)]")
        }
        if residual {
            if inputs.count == 4 {
                try KernelCheck.require(inputs[2].shape == [.fixed(nOut)], node, "bias \(inputs[2].shape.shapeDescription) is not [\(nOut)]")
            }
            try KernelCheck.require(inputs.last!.shape == out, node,
                                    "residual \(inputs.last!.shape.shapeDescription) is not the output's shape \(out.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], packed = inputs[1]
        guard let nOut = node.int("out_features") else { throw GraphError.missingAttribute(node: node.name, name: "out_features") }
        let k = x.shape.last ?? 0, rows = x.count / max(1, k)
        let path = try path(node)
        let layout = BF16GEMM.packedLayout(n: nOut, k: k, path: path)
        guard packed.dtype == layout.dtype, packed.shape == layout.shape else {
            throw GraphError.shapeMismatch(node: node.name, detail: "packed bf16 weight \(packed.shape) does not fit \(k) input and \(nOut) output features")
        }
        let shape = Array(x.shape.dropLast()) + [nOut]
        let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
        let residual = node.hasResidualEpilogue
        let hasBias = inputs.count == (residual ? 4 : 3)
        if hasBias, inputs[2].count != nOut {
            throw GraphError.shapeMismatch(node: node.name, detail: "bias \(inputs[2].shape) is not [\(nOut)]")
        }
        var epilogue = FloatGEMM.Epilogue.none
        if node.string("epilogue") == "gelu" { epilogue = .gelu }
        if residual {
            let r = inputs.last!
            guard r.shape == shape else {
                throw GraphError.shapeMismatch(node: node.name, detail: "residual \(r.shape) is not the output's shape \(shape)")
            }
            epilogue = .residual(r.floats)
        }
        try BF16GEMM.multiply(x.floats, m: rows, k: k, packed: packed, n: nOut, bias: hasBias ? inputs[2].floats : nil,
                              into: out.mutableFloats, path: path, epilogue: epilogue, context: context)
        return [out]
    }

    private func path(_ node: Node) throws -> BF16GEMM.Path {
        guard let name = node.string("path"), let p = BF16GEMM.Path(rawValue: name) else {
            throw GraphError.missingAttribute(node: node.name, name: "path")
        }
        return p
    }
}
