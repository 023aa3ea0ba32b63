import Foundation
import Graph

/// Accumulates ONNX nodes and constant initializers for the exporter.
struct ONNXGraphBuilder {
    var nodes: [Onnx_NodeProto] = []
    /// Small constants (shapes, scalars) created by the export, by name.
    var constants: [(String, Tensor)] = []
    private var counter = 0

    mutating func fresh(_ hint: String) -> String {
        counter += 1
        return "\(hint)_\(counter)"
    }

    /// Adds `op(inputs) {attrs}`; returns its (first) output, or `output` when given.
    @discardableResult
    mutating func add(_ op: String, _ inputs: [String], _ attrs: [String: Attribute] = [:], name: String, output: String? = nil) -> String {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = fresh(name)
        n.input = inputs
        let out = output ?? n.name + "_out"
        n.output = [out]
        n.attribute = attrs.keys.sorted().map { Self.attribute($0, attrs[$0]!) }
        nodes.append(n)
        return out
    }

    /// Adds `op(inputs) {attrs}` writing the given outputs.
    mutating func add(_ op: String, _ inputs: [String], _ attrs: [String: Attribute], name: String, outputs: [String]) {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = fresh(name)
        n.input = inputs
        n.output = outputs
        n.attribute = attrs.keys.sorted().map { Self.attribute($0, attrs[$0]!) }
        nodes.append(n)
    }

    mutating func ints(_ v: [Int], scalar: Bool = false) -> String {
        let name = fresh("vitopt.const")
        constants.append((name, Tensor.integers(v, shape: scalar ? [] : [v.count])))
        return name
    }

    mutating func float(_ v: Float) -> String {
        let name = fresh("vitopt.const")
        constants.append((name, Tensor(shape: [], floats: [v])))
        return name
    }

    static func attribute(_ name: String, _ a: Attribute) -> Onnx_AttributeProto {
        var p = Onnx_AttributeProto()
        p.name = name
        switch a {
        case .int(let v): p.type = .int; p.i = Int64(v)
        case .float(let v): p.type = .float; p.f = v
        case .ints(let v): p.type = .ints; p.ints = v.map { Int64($0) }
        case .floats(let v): p.type = .floats; p.floats = v
        case .string(let s): p.type = .string; p.s = Data(s.utf8)
        }
        return p
    }
}
