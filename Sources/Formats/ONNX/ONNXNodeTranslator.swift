import Foundation
import Graph

/// Translates ONNX nodes into IR nodes, resolving opset differences so that each IR op has one
/// meaning: attributes are converted to IR attributes, `Cast.to` becomes a dtype spelling,
/// `Softmax` gets an explicit axis (and `coerce2d` before opset 13), `Dropout` becomes `Identity`,
/// and `Constant` nodes become initializers. Parameters that opsets 13+ pass as inputs (Split,
/// Squeeze, Unsqueeze, ReduceMean 18, Slice 10) stay inputs for `ShapeFolding` to fold.
struct ONNXNodeTranslator {
    let path: String
    let opset: Int
    let decoder: ONNXTensorDecoder

    /// Ops handled by the importer or the shape folder rather than a kernel.
    static let foldedOps: Set<String> = ["Shape", "Constant", "ConstantOfShape"]

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
        var attrs: [String: Attribute] = [:]
        for a in n.attribute where a.type != .tensor && a.type != .graph {
            if let v = attribute(a) { attrs[a.name] = v }
        }
        func tensorAttr(_ key: String) throws -> Tensor? {
            guard let a = n.attribute.first(where: { $0.name == key && ($0.type == .tensor || $0.hasT) }) else { return nil }
            return try decoder.tensor(a.t, raw: nil, name: "\(name).\(key)")
        }
        var op = n.opType
        var inputs = n.input
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
