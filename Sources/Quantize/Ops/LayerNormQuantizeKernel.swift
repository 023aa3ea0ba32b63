#if canImport(Glibc)
import Glibc
#endif
import Graph

/// `LayerNormQuantize(x[..., D], gamma[D], beta[D]) {epsilon} -> (q U8[..., Dp], scale F32[...], zero_point I32[...])`:
/// LayerNorm fused with per-token activation quantization, so the normalised row is quantized while
/// it is still in cache and the fp32 activation is never written to memory.
///
/// The normalised values are exactly `LayerNorm`'s (same two-pass fp32 mean/variance and the same
/// expression), then quantized exactly as `QuantizedRows.quantize` does per token.
struct LayerNormQuantizeKernel: OpKernel {
    static let op = "LayerNormQuantize"
    let kind = LayerNormQuantizeKernel.op

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try Int8Op.arity(node, inputs.count, 3...3)
        guard let d = inputs[0].shape.last?.value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "'\(inputs[0].name)' needs a fixed last dimension")
        }
        for p in inputs[1...] {
            try Int8Op.require(p.shape == [.fixed(d)], node, "'\(p.name)' must be [\(d)], is \(p.shape.shapeDescription)")
        }
        guard node.float("epsilon") != nil else { throw GraphError.missingAttribute(node: node.name, name: "epsilon") }
        _ = try StaticActivation.optional(node)
        return FusedQuantize.outputInfos(inputs[0].shape, features: d)
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], d = x.shape.last!, rows = x.count / d
        let eps = node.float("epsilon")!
        let gamma = inputs[1].floats, beta = inputs[2].floats, src0 = x.floats
        let q = FusedQuantize.rows(rows, features: d, with: try StaticActivation.optional(node), context: context) { r, tmp in
            KernelMath.layerNormRow(src0 + r * d, width: d, gamma: gamma, beta: beta, epsilon: eps, into: tmp)
        }
        return FusedQuantize.outputs(q, leading: Array(x.shape.dropLast()))
    }
}
