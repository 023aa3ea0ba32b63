import Graph

extension ONNXNodeEmitter {
    /// IR ops that already are ONNX operators with ONNX semantics (the integer-quantization chains
    /// Quantize lowers its int8 layers to): written as they are, with any number of outputs.
    static let passthrough: Set<String> = [
        "DynamicQuantizeLinear", "MatMulInteger", "Cast", "Sub", "Div", "Neg", "Round", "Clip", "Min", "Max",
        "ReduceMin", "ReduceMax", "Equal", "Where",
    ]

    /// Writes `n` as the ONNX node of the same op: `Cast.to` back to its ONNX type code, and
    /// `ReduceMin`/`ReduceMax` axes as an input from opset 18 on.
    func emitONNXOp(_ n: Node, into b: inout ONNXGraphBuilder) throws {
        var attrs = n.attributes, inputs = n.inputs
        switch n.op {
        case "Cast":
            guard let s = n.string("to"), let t = DType(rawValue: s) else { throw unsupported(n, "Cast without a target type") }
            attrs["to"] = .int(Int(ONNXTensorDecoder.code(t)))
        case "ReduceMin", "ReduceMax":
            if opset >= 18, case .ints(let axes)? = attrs["axes"] {
                attrs["axes"] = nil
                inputs.append(b.ints(axes))
            }
        default:
            break
        }
        b.add(n.op, inputs, attrs, name: n.name, outputs: n.outputs)
    }
}
