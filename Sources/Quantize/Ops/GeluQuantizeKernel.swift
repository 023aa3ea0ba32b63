#if canImport(Glibc)
import Glibc
#endif
import Graph

/// `GeluQuantize(x[..., D]) {approximate} -> (q U8[..., Dp], scale F32[...], zero_point I32[...])`: GELU
/// fused with per-token (or, with `input_scale`/`input_zero_point`, calibrated) activation quantization (the MLP's hidden activation never reaches memory
/// in fp32). Values are `Gelu`'s exactly (`VectorMath.gelu`, or the tanh form), then quantized as
/// `QuantizedRows.quantize` does per token.
struct GeluQuantizeKernel: OpKernel {
    static let op = "GeluQuantize"
    let kind = GeluQuantizeKernel.op

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try Int8Op.arity(node, inputs.count, 1...1)
        if let a = node.string("approximate"), a != "none" && a != "tanh" {
            throw GraphError.shapeMismatch(node: node.name, detail: "approximate must be \"none\" or \"tanh\", is \"\(a)\"")
        }
        _ = try StaticActivation.optional(node)
        guard let d = inputs[0].shape.last?.value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "'\(inputs[0].name)' needs a fixed last dimension")
        }
        return FusedQuantize.outputInfos(inputs[0].shape, features: d)
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], d = x.shape.last!, rows = x.count / d, src0 = x.floats
        let tanhForm = node.string("approximate") == "tanh"
        let q = FusedQuantize.rows(rows, features: d, with: try StaticActivation.optional(node), context: context) { r, tmp in
            if tanhForm { VectorMath.geluTanh(src0 + r * d, tmp, count: d) } else { VectorMath.gelu(src0 + r * d, tmp, count: d) }
        }
        return FusedQuantize.outputs(q, leading: Array(x.shape.dropLast()))
    }
}
