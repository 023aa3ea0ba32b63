import Graph

/// `Int8Linear(x[..., K], packed, weight I8[N, K], weight_scale F32[N], bias[N]?, residual?) {activations, epilogue?} -> F32 [..., N]`.
/// With `epilogue = "residual"` (set by `LinearEpilogueFusion` in the executor) the last input, of the
/// output's shape, is added to the result in the GEMM's epilogue.
///
/// Quantizes `x` at run time (u8, per token or per tensor, see `QuantizedRows.quantize`) or, with
/// `activations = "static"`, with the node's calibrated `input_scale`/`input_zero_point`; runs the
/// int8 GEMM on the packed weights and writes `(Σ (q − zp)·w_q) · scale · w_scale + bias` in fp32.
/// `weight`, `weight_scale` and `bias` describe the layer (and are what int8 files store); the kernel
/// reads only `packed`, which holds the same values.
struct Int8LinearKernel: ResidualEpilogueKernel {
    static let op = "Int8Linear"
    let kind = Int8LinearKernel.op

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        let (layer, residual) = Int8Op.splitResidual(node, inputs)
        try Int8Op.arity(node, layer.count, 4...5)
        if try Int8Op.scheme(node) == .calibrated { _ = try StaticActivation.of(node) }
        let (k, n) = try Int8Op.checkWeights(node, layer[1...])
        let x = inputs[0]
        try Int8Op.require(x.dtype.isFloatingPoint && x.shape.last?.value == k, node,
                           "input '\(x.name)' must be float [..., \(k)], is \(x.dtype.rawValue) \(x.shape.shapeDescription)")
        let out = Array(x.shape.dropLast()) + [.fixed(n)]
        try Int8Op.checkResidual(node, residual, out)
        return [ValueInfo(name: "", shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], n = inputs[2].shape[0], k = inputs[2].shape[1]
        let packed = PackedWeights(packed: inputs[1], k: k, n: n)
        let rows = x.count / k
        let scheme = try Int8Op.scheme(node)
        let q = scheme == .calibrated
            ? QuantizedRows.quantize(x.floats, rows: rows, features: k, with: try StaticActivation.of(node), context: context)
            : QuantizedRows.quantize(x.floats, rows: rows, features: k, perTensor: scheme == .perTensor, context: context)
        let out = try Tensor(uninitialized: .f32, shape: Array(x.shape.dropLast()) + [n], for: "output of node '\(node.name)' (\(node.op))")
        let residual = try Int8Op.residual(node, inputs, shape: out.shape)
        Int8GEMM.run(q, packed, into: out.mutableFloats, ldc: n, residual: residual, path: try Int8Op.kernelPath(node),
                     context: context)
        return [out]
    }
}
