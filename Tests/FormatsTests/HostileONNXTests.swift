import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// Hostile ONNX structure and tensors: every case is a typed error naming the file and the node or
/// tensor, never a trap. Cases run on constant inputs (which the shape folder evaluates at import)
/// and on the graph input (which it shape-infers).
@Suite("Hostile ONNX files")
struct HostileONNXTests {
    typealias M = HostileONNXModel

    /// `inputs` with `c0` replaced by the graph input when `constant` is false.
    static func inputs(_ names: [String], constant: Bool) -> [String] {
        constant ? names : names.map { $0 == "c0" ? "x" : $0 }
    }

    @Test("nodes with too few or too many inputs name the node", arguments: [
        ("Transpose", [String]()), ("MatMul", ["c0"]), ("Where", ["c0", "c1"]), ("LayerNormalization", ["c0"]), ("Round", []),
        ("Gemm", ["c0"]), ("Conv", ["c0"]), ("Slice", ["c0"]), ("Slice", ["c0", "i0"]), ("Concat", []), ("Gather", ["c0"]),
        ("Add", ["c0"]), ("Sub", ["c0", "c1", "c1"]), ("Sqrt", ["c0", "c1"]), ("Reshape", ["c0"]), ("Expand", ["c0"]),
        ("Softmax", []), ("Cast", []), ("Shape", []), ("ConstantOfShape", []), ("Split", []), ("Clip", []),
        ("MatMulInteger", ["c0"]), ("ReduceMean", []), ("Identity", []), ("Erf", ["c0", "c0"]), ("Unsqueeze", []),
        ("Attention", []), ("PatchEmbed", ["c0"]), ("Linear", ["c0"]), ("LayerNorm", ["c0", "s"]), ("Average", []),
        ("Add", ["", "c0"]), ("Mul", ["c0", ""]),
    ], [true, false])
    func arity(_ c: (String, [String]), constant: Bool) throws {
        var attrs: [Onnx_AttributeProto] = []
        if c.0 == "Cast" { attrs.append(M.int("to", 1)) }
        if c.0 == "Concat" { attrs.append(M.int("axis", 0)) }
        let path = try M.write(nodes: [M.node(c.0, Self.inputs(c.1, constant: constant), attrs: attrs)])
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("'under_test'") && m.contains("inputs"), "\(c) → \(m)")
    }

    @Test("nodes with the wrong number of outputs name the node", arguments: [
        ("Relu", [String]()), ("Add", ["y", "z"]), ("DynamicQuantizeLinear", ["y"]), ("Dropout", ["y", "m", "n"]),
    ])
    func outputArity(_ c: (String, [String])) throws {
        let ins = c.0 == "Add" ? ["x", "x"] : ["x"]
        let path = try M.write(nodes: [M.node(c.0, ins, c.1)])
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("'under_test'") && m.contains("outputs"), "\(c) → \(m)")
    }

    @Test("a Constant without an output is refused")
    func constantWithoutOutput() throws {
        let value = M.tensorAttr("value", M.floats("v", [1], [1]))
        let path = try M.write(nodes: [M.node("Constant", [], [], name: "k", attrs: [value]), M.node("Relu", ["x"])])
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("'k'"), "\(m)")
    }

    /// Attributes of the wrong type, missing, or out of range for the input's rank.
    static let badAttributes: [(String, [String], [Onnx_AttributeProto])] = [
        ("Softmax", ["c0"], [M.int("axis", 7)]),
        ("Softmax", ["c0"], [M.float("axis", 1)]),
        ("Softmax", ["c0"], [M.int("axis", Int64.min)]),
        ("Concat", ["c0", "c1"], [M.int("axis", -9)]),
        ("Concat", ["c0", "c1"], []),
        ("Gather", ["c0", "i0"], [M.int("axis", 5)]),
        ("Flatten", ["c0"], [M.int("axis", 9)]),
        ("LayerNormalization", ["c0", "s"], [M.int("axis", 4)]),
        ("LayerNormalization", ["c0", "s"], [M.ints("epsilon", [1])]),
        ("ReduceMean", ["c0"], [M.ints("axes", [8])]),
        ("ReduceMax", ["c0"], [M.ints("axes", [Int64.max])]),
        ("Transpose", ["c0"], [M.ints("perm", [0, 0])]),
        ("Transpose", ["c0"], [M.ints("perm", [3, 0, 1, 2])]),
        ("Transpose", ["c0"], [M.int("perm", 1)]),
        ("Split", ["c0"], [M.int("axis", 3)]),
        ("Cast", ["c0"], [M.int("to", 999)]),
        ("Cast", ["c0"], []),
        ("Gemm", ["c0", "c1"], [M.int("alpha", 2)]),
    ]

    @Test("bad attributes are typed errors naming the node", arguments: 0..<badAttributes.count, [true, false])
    func badAttribute(_ i: Int, constant: Bool) throws {
        let c = Self.badAttributes[i]
        let path = try M.write(nodes: [M.node(c.0, Self.inputs(c.1, constant: constant), attrs: c.2)])
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("under_test"), "\(c.0) \(c.2.map(\.name)) → \(m)")
    }

    @Test("Slice bounds at the ends of Int64 do not overflow", arguments: [Int64.min, Int64.max, Int64.min + 1])
    func sliceExtremes(_ step: Int64) throws {
        let inits = M.standardInits + [M.int64s("st", [1], [0]), M.int64s("en", [1], [Int64.max]), M.int64s("ax", [1], [0]),
                                       M.int64s("sp", [1], [step])]
        for source in ["c0", "x"] {
            let path = try M.write(nodes: [M.node("Slice", [source, "st", "en", "ax", "sp"])], inits: inits)
            let m = M.importError(path)
            #expect(m.isEmpty || (m.hasPrefix(path) && !m.hasPrefix("untyped")), "\(m)")
        }
    }

    @Test("ConstantOfShape: fill values Int cannot hold, negative and huge shapes are refused", arguments: [
        (Int64.max, [Int64(2)]), (Int64(1), [-3]), (Int64(1), [1 << 40]), (Int64(1), [1 << 31, 1 << 31, 1 << 31]),
    ])
    func constantOfShape(_ c: (Int64, [Int64])) throws {
        let inits = [M.int64s("shape", [Int64(c.1.count)], c.1)]
        let fill = M.tensorAttr("value", M.int64s("v", [1], [c.0]))
        let path = try M.write(nodes: [M.node("ConstantOfShape", ["shape"], ["k"], name: "fill", attrs: [fill]),
                                       M.node("Cast", ["k"], attrs: [M.int("to", 1)])], inits: inits)
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("'fill'"), "\(m)")
    }

    @Test("shape parameters and indices that are not integers are refused", arguments: [Float.nan, .infinity, 1e30, 0.5])
    func nonIntegerParameters(_ v: Float) throws {
        let inits = [M.floats("nan1", [1], [v]), M.floats("nan0", [], [v]), M.floats("c0", [2, 2], [1, 2, 3, 4])]
        for nodes in [[M.node("Reshape", ["x", "nan1"])], [M.node("Reshape", ["c0", "nan1"])], [M.node("Unsqueeze", ["x", "nan1"])],
                      [M.node("Shape", ["x"], ["sh"], name: "shape"), M.node("Concat", ["sh", "nan1"], ["cat"], name: "cat", attrs: [M.int("axis", 0)]),
                       M.node("Reshape", ["x", "cat"])],
                      [M.node("Gather", ["x", "nan0"], attrs: [M.int("axis", 1)])]] {
            let path = try M.write(nodes: nodes, inits: inits)
            let m = M.importError(path)
            #expect(m.hasPrefix(path) && !m.contains("untyped"), "\(nodes.map(\.opType)) \(v) → \(m)")
        }
    }

    @Test("a symbolic Where whose condition does not broadcast does not index past it")
    func symbolicWhere() throws {
        var cond = Onnx_TensorProto()
        cond.name = "cond"; cond.dataType = 9; cond.dims = [2]; cond.int32Data = [1, 0]
        let nodes = [M.node("Shape", ["x"], ["sh"], name: "shape"), M.node("Where", ["cond", "sh", "sh"], ["w"], name: "where"),
                     M.node("Reshape", ["x", "w"])]
        let path = try M.write(nodes: nodes, inits: [cond], inputDims: [-1, 4, 5])
        let m = M.importError(path)
        #expect(m.hasPrefix(path) && m.contains("'where'"), "\(m)")
    }

    @Test("a graph without outputs is refused, by the importer and the loader")
    func noOutputs() throws {
        let path = try M.write(nodes: [M.node("Relu", ["x"])], outputs: [])
        #expect(M.importError(path).contains("no outputs"))
        #expect(throws: FormatError.self) { _ = try ONNXLoader.load(path, hints: ConfigHints(), naming: nil) }
    }

    @Test("an initializer declaring 2^40 × 64 floats with three values fails before allocating")
    func hugeTypedInitializer() throws {
        let inits = [M.floats("big", [1 << 40, 64], [1, 2, 3])]
        let path = try M.write(nodes: [M.node("Relu", ["x"])], inits: inits)
        let m = M.importError(path)
        #expect(m.contains("tensor 'big'") && m.contains("float_data has 3 values"), "\(m)")
    }

    @Test("initializer dims whose byte size overflows are refused", arguments: [[Int64(1) << 62, 4], [Int64(1) << 32, Int64(1) << 32], [Int64.max]])
    func overflowingDims(_ dims: [Int64]) throws {
        var t = Onnx_TensorProto()
        t.name = "big"; t.dataType = 1; t.dims = dims; t.rawData = Data([0, 0, 0, 0])
        let path = try M.write(nodes: [M.node("Relu", ["x"])], inits: [t])
        let m = M.importError(path)
        #expect(m.contains("tensor 'big'") && m.contains("overflows"), "\(m)")
    }

    @Test("external data offsets near Int.max are refused without overflowing")
    func externalOffsetOverflow() throws {
        let dir = Fixtures.scratch("onnx-ext-hostile")
        try Data(count: 16).write(to: URL(fileURLWithPath: dir + "/weights.bin"))
        for (offset, length) in [("9223372036854775000", nil), ("4", "9223372036854775807"), ("-1", nil), ("12", nil)] as [(String, String?)] {
            var t = Onnx_TensorProto()
            t.name = "ext"; t.dataType = 1; t.dims = [4]; t.dataLocation = .external
            var entries: [(String, String)] = [("location", "weights.bin"), ("offset", offset)]
            if let l = length { entries.append(("length", l)) }
            t.externalData = entries.map { k, v in
                var e = Onnx_StringStringEntryProto()
                e.key = k; e.value = v
                return e
            }
            let path = try M.write(nodes: [M.node("Relu", ["x"])], inits: [t], directory: dir)
            let m = M.importError(path)
            #expect(m.contains("tensor 'ext'") && m.contains("external data"), "\(offset) → \(m)")
        }
    }
}
