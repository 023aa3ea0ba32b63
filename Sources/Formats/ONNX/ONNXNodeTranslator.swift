import Foundation
import Graph

/// Translates ONNX nodes into IR nodes, resolving opset differences so that each IR op has one
/// meaning: attributes are converted to IR attributes, `Cast.to` becomes a dtype spelling,
/// `Softmax` gets an explicit axis (and `coerce2d` before opset 13), `Dropout` becomes `Identity`,
/// and `Constant` nodes become initializers. Parameters that opsets 13+ pass as inputs (Split,
/// Squeeze, Unsqueeze, ReduceMean 18, Slice 10) stay inputs for `ShapeFolding` to fold.
///
/// Validated per node, before anything indexes its inputs: the input and output counts against
/// `OpArity` (trailing empty input names are omitted optional inputs and dropped), no empty name
/// among the required inputs, and the type of every attribute whose meaning vitopt knows
/// (`attributeKinds`). Each failure is a `FormatError` naming the file and the node.
struct ONNXNodeTranslator {
    let path: String
    let opset: Int
    let decoder: ONNXTensorDecoder

    /// Ops handled by the importer or the shape folder rather than a kernel.
    static let foldedOps: Set<String> = ["Shape", "Constant", "ConstantOfShape", "Size", "If"]

    /// The attribute kinds vitopt's kernels and passes read, by attribute name (the names mean the
    /// same thing on every operator vitopt supports). An attribute of another kind would be
    /// silently ignored and its default used, so it is refused instead.
    static let attributeKinds: [String: String] = [
        "axis": "int", "keepdims": "int", "group": "int", "transA": "int", "transB": "int", "start": "int", "end": "int",
        "to": "int", "noop_with_empty_axes": "int", "allowzero": "int", "stash_type": "int",
        "perm": "ints", "axes": "ints", "strides": "ints", "pads": "ints", "dilations": "ints", "kernel_shape": "ints",
        "split": "ints", "starts": "ints", "ends": "ints", "steps": "ints",
        "epsilon": "float", "alpha": "float", "beta": "float", "min": "float", "max": "float", "ratio": "float",
        "value_float": "float", "value_floats": "floats", "value_int": "int", "value_ints": "ints",
        "approximate": "string", "auto_pad": "string",
        "fmod": "int", "largest": "int", "sorted": "int", "exclude_outside": "int", "antialias": "int",
        "mode": "string", "coordinate_transformation_mode": "string", "nearest_mode": "string", "keep_aspect_ratio_policy": "string",
        "reduction": "string", "cubic_coeff_a": "float", "extrapolation_value": "float",
        "ceil_mode": "int", "training_mode": "int", "storage_order": "int", "momentum": "float", "batch_dims": "int",
    ]

    /// Attributes the ONNX schema requires that a kernel would otherwise default.
    static let requiredAttributes: [String: [String]] = ["Concat": ["axis"], "Cast": ["to"]]

    static func kind(_ a: Attribute) -> String {
        switch a {
        case .int: return "int"
        case .float: return "float"
        case .ints: return "ints"
        case .floats: return "floats"
        case .string: return "string"
        }
    }

    func attribute(_ a: Onnx_AttributeProto) -> Attribute? {
        switch a.type {
        case .int: return .int(Int(a.i))
        case .float: return .float(a.f)
        case .ints: return .ints(a.ints.map { Int($0) })
        case .floats: return .floats(a.floats)
        case .string: return .string(String(decoding: a.s, as: UTF8.self))
        case .undefined:
            // Old exporters leave `type` unset; infer it from the populated field.
            if a.hasI { return .int(Int(a.i)) }
            if a.hasF { return .float(a.f) }
            if !a.ints.isEmpty { return .ints(a.ints.map { Int($0) }) }
            if !a.floats.isEmpty { return .floats(a.floats) }
            if a.hasS { return .string(String(decoding: a.s, as: UTF8.self)) }
            return nil
        default: return nil
        }
    }

    /// The IR node for `n`, or `nil` when it became an initializer (`Constant`).
    func translate(_ n: Onnx_NodeProto, index: Int, constants: inout [String: Tensor]) throws -> Node? {
        let name = n.name.isEmpty ? "\(n.opType)_\(index)" : n.name
        func invalid(_ detail: String) -> FormatError { .corrupt(path: path, detail: "node '\(name)' (\(n.opType)): \(detail)") }
        // Trailing empty names are omitted optional inputs; the rest is checked against the op's arity.
        var given = n.input
        while given.last?.isEmpty == true { given.removeLast() }
        do {
            try OpArity.check(Node(name: name, op: n.opType, inputs: given, outputs: n.output))
        } catch let e as GraphError {
            throw FormatError.corrupt(path: path, detail: e.description)
        }
        var attrs: [String: Attribute] = [:]
        // `vitopt.`-prefixed attributes are vitopt's own (IfBranch tags); a file cannot set them.
        for a in n.attribute where a.type != .tensor && a.type != .graph && !a.name.hasPrefix("vitopt.") {
            guard let v = attribute(a) else { continue }
            if let want = Self.attributeKinds[a.name], Self.kind(v) != want {
                throw invalid("attribute '\(a.name)' must be \(want == "int" || want == "ints" ? "an" : "a") \(want), is \(Self.kind(v)) \(v)")
            }
            attrs[a.name] = v
        }
        for required in Self.requiredAttributes[n.opType] ?? [] where attrs[required] == nil {
            throw invalid("missing required attribute '\(required)'")
        }
        if case .ints(let perm)? = attrs["perm"], perm.sorted() != Array(0..<perm.count) {
            throw invalid("perm \(perm) is not a permutation of 0..<\(perm.count)")
        }
        func tensorAttr(_ key: String) throws -> Tensor? {
            guard let a = n.attribute.first(where: { $0.name == key && ($0.type == .tensor || $0.hasT) }) else { return nil }
            return try decoder.tensor(a.t, raw: nil, name: "\(name).\(key)")
        }
        var op = n.opType
        var inputs = given
        switch op {
        case "Constant":
            let value: Tensor
            if let t = try tensorAttr("value") {
                value = t
            } else if case .float(let f)? = attrs["value_float"] {
                value = Tensor(shape: [], floats: [f])
            } else if case .floats(let f)? = attrs["value_floats"] {
                value = Tensor(shape: [f.count], floats: f)
            } else if case .int(let i)? = attrs["value_int"] {
                value = Tensor.integers([i], shape: [])
            } else if case .ints(let i)? = attrs["value_ints"] {
                value = Tensor.integers(i, shape: [i.count])
            } else {
                throw FormatError.unsupported(path: path, detail: "node '\(name)' (Constant): only tensor, float(s) and int(s) values are supported")
            }
            constants[n.output[0]] = value
            return nil
        case "ConstantOfShape":
            if let t = try tensorAttr("value") {
                attrs["dtype"] = .string(t.dtype.rawValue)
                attrs["value"] = .float(t.count > 0 ? t.floatArray()[0] : 0)
            }
        case "Cast":
            guard case .int(let code)? = attrs["to"], let dt = ONNXTensorDecoder.dtype(Int32(code)) else {
                throw FormatError.unsupported(path: path, detail: "node '\(name)' (Cast): target type \(attrs["to"]?.description ?? "missing") is not supported")
            }
            attrs["to"] = .string(dt.rawValue)
        case "Softmax":
            if opset < 13 {
                attrs["axis"] = attrs["axis"] ?? .int(1)
                attrs["coerce2d"] = .int(1)
            } else {
                attrs["axis"] = attrs["axis"] ?? .int(-1)
            }
        case "Clip" where inputs.count == 3 && inputs[1].isEmpty:
            // An omitted lower bound before a given upper one (torch's clamp(max=…)): the IR has no empty
            // names in the middle of an input list, so it becomes the bound it means, −∞.
            let lowest = "\(name).min"
            constants[lowest] = Tensor(shape: [], floats: [-.infinity])
            inputs[1] = lowest
        case "Dropout":
            op = "Identity"
            inputs = Array(inputs.prefix(1))
        case "Gelu":
            attrs["approximate"] = attrs["approximate"] ?? .string("none")
        default:
            break
        }
        var outputs = n.output
        if op == "Identity" || op == "LayerNormalization" {
            // Dropout's mask and LayerNormalization's saved mean / inverse std-dev: only allowed when unused.
            outputs = Array(outputs.prefix(1))
        }
        return Node(name: name, op: op, inputs: inputs, outputs: outputs, attributes: attrs)
    }
}
