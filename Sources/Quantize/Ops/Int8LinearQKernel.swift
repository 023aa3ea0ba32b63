import Graph

/// `Int8LinearQ(q U8[..., Kp], scale F32[...], zero_point I32[...], packed, weight, weight_scale, bias?) -> F32 [..., N]`:
/// `Int8Linear` on activations a fused producer (`LayerNormQuantize`, `GeluQuantize`) already quantized.
struct Int8LinearQKernel: ResidualEpilogueKernel {
    static let op = "Int8LinearQ"
    let kind = Int8LinearQKernel.op

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        let (layer, residual) = Int8Op.splitResidual(node, inputs)
        try Int8Op.arity(node, layer.count, 6...7)
        let (k, n) = try Int8Op.checkWeights(node, layer[3...])
        let q = inputs[0], s = inputs[1], z = inputs[2]
        let kp = PackedWeights.paddedK(k)
        try Int8Op.require(q.dtype == .u8 && q.shape.last?.value == kp, node,
                           "quantized input '\(q.name)' must be U8 [..., \(kp)], is \(q.dtype.rawValue) \(q.shape.shapeDescription)")
        let lead = Array(q.shape.dropLast())
        try Int8Op.require(s.dtype == .f32 && s.shape == lead && z.dtype == .i32 && z.shape == lead, node,
                           "scale '\(s.name)' (F32) and zero point '\(z.name)' (I32) must have shape \(lead.shapeDescription)")
        try Int8Op.checkResidual(node, residual, lead + [.fixed(n)])
        return [ValueInfo(name: "", shape: lead + [.fixed(n)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let qt = inputs[0], n = inputs[4].shape[0], k = inputs[4].shape[1]
        let packed = PackedWeights(packed: inputs[3], k: k, n: n)
        let rows = qt.count / qt.shape.last!
        let q = QuantizedRows(values: qt.reshaped([rows, qt.shape.last!]), scales: inputs[1], zeroPoints: inputs[2], features: k)
        let out = try Tensor(uninitialized: .f32, shape: Array(qt.shape.dropLast()) + [n], for: "output of node '\(node.name)' (\(node.op))")
        let residual = try Int8Op.residual(node, inputs, shape: out.shape)
        Int8GEMM.run(q, packed, into: out.mutableFloats, ldc: n, residual: residual, path: try Int8Op.kernelPath(node),
                     context: context)
        return [out]
    }
}
