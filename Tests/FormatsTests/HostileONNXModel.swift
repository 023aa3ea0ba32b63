import Foundation
@testable import Formats
import TestSupport

/// Builds tiny ONNX models from scratch for the hostile-input suites: one float input `x`, a few
/// initializers, the nodes under test and the graph outputs.
enum HostileONNXModel {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String] = ["y"], name: String = "under_test",
                     attrs: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name
        n.input = inputs
        n.output = outputs
        n.attribute = attrs
        return n
    }

    static func int(_ name: String, _ v: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name; a.type = .int; a.i = v
        return a
    }

    static func float(_ name: String, _ v: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name; a.type = .float; a.f = v
        return a
    }

    static func ints(_ name: String, _ v: [Int64]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name; a.type = .ints; a.ints = v
        return a
    }

    static func tensorAttr(_ name: String, _ t: Onnx_TensorProto) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name; a.type = .tensor; a.t = t
        return a
    }

    /// A float tensor with `values` in `float_data`.
    static func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name; t.dataType = 1; t.dims = dims; t.floatData = values
        return t
    }

    /// An int64 tensor with `values` in `int64_data`.
    static func int64s(_ name: String, _ dims: [Int64], _ values: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name; t.dataType = 7; t.dims = dims; t.int64Data = values
        return t
    }

    /// Constants every case may use: `c0`, `c1` float [2, 2], `s` float [2], `i0` int64 scalar 0.
    static let standardInits: [Onnx_TensorProto] = [
        floats("c0", [2, 2], [1, 2, 3, 4]), floats("c1", [2, 2], [5, 6, 7, 8]), floats("s", [2], [1, 1]), int64s("i0", [], [0]),
    ]

    /// A model with input `x` of `inputDims` (a negative entry is the dynamic batch), `nodes`, and
    /// `outputs`, written to a fresh scratch file whose path is returned.
    static func write(nodes: [Onnx_NodeProto], inits: [Onnx_TensorProto] = standardInits, inputDims: [Int64] = [-1, 2, 2],
                      outputs: [String] = ["y"], opset: Int64 = 17, directory: String? = nil) throws -> String {
        var m = Onnx_ModelProto()
        m.irVersion = 8
        var op = Onnx_OperatorSetIdProto()
        op.version = opset
        m.opsetImport = [op]
        var g = Onnx_GraphProto()
        g.name = "hostile"
        g.node = nodes
        g.initializer = inits
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = 1
        tt.shape.dim = inputDims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if d < 0 { dim.dimParam = "batch" } else { dim.dimValue = d }
            return dim
        }
        input.type.tensorType = tt
        g.input = [input]
        g.output = outputs.map { name in
            var v = Onnx_ValueInfoProto()
            v.name = name
            return v
        }
        m.graph = g
        let path = (directory ?? Fixtures.scratch("onnx-hostile")) + "/model.onnx"
        try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The error loading `path` through the importer, as text; "untyped: …" for an error that is
    /// neither a `FormatError` nor a `GraphError`, "" when it loads.
    static func importError(_ path: String) -> String {
        do {
            _ = try ONNXImporter.load(path)
            return ""
        } catch let e as FormatError {
            return e.description
        } catch {
            return "untyped: \(error)"
        }
    }
}
