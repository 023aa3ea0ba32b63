import Graph

extension ONNXNodeEmitter {
    /// IR ops that are ONNX operators with ONNX semantics, written back as the ONNX node of the same
    /// op: the integer-quantization chains Quantize lowers its int8 layers to, and the imported ONNX
    /// operators the pattern passes leave in a graph (`Sigmoid`, `Reshape`, `Expand`, … — whatever
    /// of a real export is not recognised as a ViT building block).
    static let passthrough: Set<String> = [
        "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "Cast", "Sub", "Div", "Neg", "Round", "Clip", "Min", "Max",
        "ReduceMin", "ReduceMax", "Equal", "Where",
        "Sigmoid", "Sqrt", "Erf", "Reciprocal", "Exp", "Relu", "Pow", "Identity",
        "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Expand", "Transpose", "Concat", "Slice", "Split", "Gather",
        "MatMul", "Gemm", "Conv", "Softmax", "ReduceMean", "LayerNormalization",
        "Mod", "Greater", "Less", "Cos", "Sin", "Abs", "IsNaN", "GatherElements", "ScatterND",
        "QuantizeLinear", "DequantizeLinear", "ReduceSum",
        "Ceil", "Floor", "BatchNormalization", "InstanceNormalization", "MaxPool", "ReduceL2", "GatherND",
    ]

    /// Writes `n` as the ONNX node of the same op, undoing what import and `ShapeFolding` did: `Cast.to`
    /// back to its ONNX type code; parameters folded into attributes (Reshape/Expand `shape`,
    /// Squeeze/Unsqueeze/Split/Slice parameters, reduction `axes` from opset 18 on (ReduceSum 13), Clip's pre-opset-11
    /// bounds) back to constant inputs; Expand's `-1` (the batch of its second input) back to a
    /// `Shape → Slice → Concat` of that input; Softmax's pre-opset-13 `coerce2d` as
    /// `Flatten → Softmax → Reshape` (or dropped where it means the last axis).
    /// - Throws: `FormatError.unsupported` for a form the export opset cannot express.
    func emitONNXOp(_ n: Node, into b: inout ONNXGraphBuilder) throws {
        var attrs = n.attributes, inputs = n.inputs
        func take(_ key: String) -> [Int]? {
            guard case .ints(let v)? = attrs[key] else { return nil }
            attrs[key] = nil
            return v
        }
        switch n.op {
        case "Cast":
            guard let s = n.string("to"), let t = DType(rawValue: s) else { throw unsupported(n, "Cast without a target type") }
            attrs["to"] = .int(Int(ONNXTensorDecoder.code(t)))
        case "ReduceMin", "ReduceMax", "ReduceMean", "ReduceL2":
            if opset >= 18, let axes = take("axes") { inputs = [inputs[0], b.ints(axes)] }
        case "ReduceSum":
            if opset >= 13, let axes = take("axes") { inputs = [inputs[0], b.ints(axes)] }
        case "Reshape", "Squeeze", "Unsqueeze", "Split":
            let key = ["Reshape": "shape", "Split": "split"][n.op] ?? "axes"
            if let v = take(key) {
                inputs = [inputs[0], b.ints(v)]
            } else if n.op == "Split" && opset >= 18 {
                attrs["num_outputs"] = .int(n.outputs.count)  // equal parts: required from opset 18 on
            }
        case "Slice":
            guard let starts = take("starts"), let ends = take("ends") else { throw unsupported(n, "Slice without starts and ends") }
            let axes = take("axes") ?? Array(0..<starts.count)
            inputs = [inputs[0], b.ints(starts), b.ints(ends), b.ints(axes)] + (take("steps").map { [b.ints($0)] } ?? [])
        case "Expand":
            guard let shape = take("shape") else { throw unsupported(n, "Expand without a target shape") }
            inputs = [inputs[0], try expandShape(n, shape, &b)]
        case "Clip":
            for (i, key) in [(1, "min"), (2, "max")] {
                guard case .float(let v)? = attrs[key] else { continue }
                attrs[key] = nil
                while inputs.count < i { inputs.append("") }
                if inputs.count == i { inputs.append(b.float(v)) } else if inputs[i].isEmpty { inputs[i] = b.float(v) }
            }
        case "Softmax":
            if attrs.removeValue(forKey: "coerce2d") != nil {
                let r = rank(n.inputs[0]), a = n.int("axis") ?? 1, axis = a < 0 ? a + r : a
                guard axis >= 0 && axis < r else { throw unsupported(n, "Softmax axis \(a) outside rank \(r)") }
                if axis != r - 1 {
                    // Before opset 13 Softmax normalises the flattened block of every axis from `axis` on.
                    let flat = b.add("Flatten", [inputs[0]], ["axis": .int(axis)], name: n.name + ".flatten")
                    let sm = b.add("Softmax", [flat], ["axis": .int(1)], name: n.name + ".softmax")
                    let shape = b.add("Shape", [inputs[0]], name: n.name + ".shape")
                    b.add("Reshape", [sm, shape], [:], name: n.name, outputs: n.outputs)
                    return
                }
            }
        case "LayerNormalization":
            guard opset >= 17 else { throw unsupported(n, "LayerNormalization needs opset 17 or later") }
        default:
            break
        }
        b.add(n.op, inputs, attrs, name: n.name, outputs: n.outputs)
    }

    /// The `shape` input of an ONNX Expand for the IR's `shape` (where `-1` is axis 0 of the node's
    /// second input): a constant, or a `Concat` of constants and that input's batch size.
    private func expandShape(_ n: Node, _ shape: [Int], _ b: inout ONNXGraphBuilder) throws -> String {
        guard shape.contains(-1) else { return b.ints(shape) }
        guard n.inputs.count == 2 else { throw unsupported(n, "shape entry -1 without the input it is read from") }
        let whole = b.add("Shape", [n.inputs[1]], name: n.name + ".like_shape")
        let batch = b.add("Slice", [whole, b.ints([0]), b.ints([1]), b.ints([0])], name: n.name + ".batch")
        var parts: [String] = [], run: [Int] = []
        for d in shape {
            if d == -1 {
                if !run.isEmpty { parts.append(b.ints(run)); run = [] }
                parts.append(batch)
            } else {
                run.append(d)
            }
        }
        if !run.isEmpty { parts.append(b.ints(run)) }
        return parts.count == 1 ? parts[0] : b.add("Concat", parts, ["axis": .int(0)], name: n.name + ".target")
    }
}
