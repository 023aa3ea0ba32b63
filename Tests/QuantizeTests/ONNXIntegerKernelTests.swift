import Foundation
import Formats
import Graph
import Testing
import TestSupport
@testable import Quantize

/// ONNX's integer operators on hand-computed cases (saturation, round half to even, zero points,
/// padding), and the errors for integer graphs vitopt cannot take.
@Suite struct ONNXIntegerKernelTests {
    static func u8(_ v: [Int], _ shape: [Int]) -> Tensor { Tensor.integers(v, shape: shape, dtype: .u8) }
    static func i8(_ v: [Int], _ shape: [Int]) -> Tensor { Tensor.integers(v, shape: shape, dtype: .i8) }

    /// Runs one node on graph inputs `feeds` (in order) and constant `inits`.
    static func run(_ op: String, _ feeds: [(String, Tensor)], _ inits: [String: Tensor] = [:], inputs: [String]? = nil,
                    outputs: Int = 1, attributes: [String: Attribute] = [:]) throws -> [Tensor] {
        let outs = (0..<outputs).map { "y\($0)" }
        let node = Node(name: "node_\(op)", op: op, inputs: inputs ?? feeds.map(\.0) + inits.keys.sorted(), outputs: outs, attributes: attributes)
        let g = ModelGraph(name: "t", inputs: feeds.map { ValueInfo(name: $0.0, dtype: $0.1.dtype, shape: $0.1.shape.map { .fixed($0) }) },
                           outputs: outs, nodes: [node], initializers: inits)
        let r = try Executor(graph: g, registry: .int8, threads: 2).run(Dictionary(uniqueKeysWithValues: feeds))
        return outs.map { r[$0]! }
    }

    @Test func dynamicQuantizeLinearRoundsHalfToEven() throws {
        // Range [0, 255] → scale 1, zero point 0: 0.5 → 0, 1.5 → 2, 2.5 → 2 (half away from zero would give 1, 2, 3).
        let r = try Self.run("DynamicQuantizeLinear", [("x", Tensor(shape: [5], floats: [0, 0.5, 1.5, 2.5, 255]))], outputs: 3)
        #expect(r[0].intArray() == [0, 0, 2, 2, 255] && r[1].floatArray() == [1] && r[2].intArray() == [0])
        // All negative: the range is widened to 0, zero point 255; −2.5 → −2 + 255.
        let n = try Self.run("DynamicQuantizeLinear", [("x", Tensor(shape: [3], floats: [-255, -2.5, 0]))], outputs: 3)
        #expect(n[0].intArray() == [0, 253, 255] && n[2].intArray() == [255])
        // All zero: scale 1 (not 0/0).
        let z = try Self.run("DynamicQuantizeLinear", [("x", Tensor(shape: [2], floats: [0, 0]))], outputs: 3)
        #expect(z[0].intArray() == [0, 0] && z[1].floatArray() == [1] && z[2].intArray() == [0])
    }

    @Test func matMulIntegerWithZeroPoints() throws {
        // a − 128 = [[127, −128], [−127, −126]]; b − [0, 1] per column = [[127, −129], [−1, 0]].
        let r = try Self.run("MatMulInteger", [("a", Self.u8([255, 0, 1, 2], [2, 2]))],
                             ["b": Self.i8([127, -128, -1, 1], [2, 2]), "za": Self.u8([128], []), "zb": Self.i8([0, 1], [2])],
                             inputs: ["a", "b", "za", "zb"])
        #expect(r[0].dtype == .i32 && r[0].intArray() == [16257, -16383, -16003, 16383])
    }

    @Test func convIntegerPadsWithTheZeroPoint() throws {
        // x − 1 = [[0, 1], [2, 3]], a 2×2 all-ones kernel, pads 1: padded taps contribute nothing.
        let r = try Self.run("ConvInteger", [("x", Self.u8([1, 2, 3, 4], [1, 1, 2, 2]))],
                             ["w": Self.i8([1, 1, 1, 1], [1, 1, 2, 2]), "zx": Self.u8([1], [])], inputs: ["x", "w", "zx"],
                             attributes: ["kernel_shape": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        #expect(r[0].shape == [1, 1, 3, 3] && r[0].intArray() == [0, 1, 1, 2, 6, 4, 2, 5, 3])
    }

    @Test func wrongWeightDtypeNamesTheNode() throws {
        #expect {
            _ = try Self.run("MatMulInteger", [("a", Self.u8([1, 2], [1, 2]))], ["b": Tensor(shape: [2, 2], floats: [1, 2, 3, 4])])
        } throws: { "\($0)".contains("node_MatMulInteger") && "\($0)".contains("U8 or I8") }
    }

    @Test func computedWeightStaysOnTheGenericKernel() throws {
        // B is a graph input, not a constant: the pattern pass keeps the node (with the reason) and the generic kernel runs it.
        let a = Self.u8([3, 4], [1, 2]), b = Self.i8([1, -2, 3, -4], [2, 2])
        let node = Node(name: "mm", op: "MatMulInteger", inputs: ["a", "b"], outputs: ["y"])
        let g = ModelGraph(name: "t", inputs: [ValueInfo(name: "a", dtype: .u8, shape: [.fixed(1), .fixed(2)]),
                                               ValueInfo(name: "b", dtype: .i8, shape: [.fixed(2), .fixed(2)])],
                           outputs: ["y"], nodes: [node], initializers: [:])
        let q = Int8ONNXPatterns.apply(g)
        #expect(q.rewritten.isEmpty && q.kept.map(\.node) == ["mm"] && q.kept[0].reason.contains("not a constant"))
        let y = try Executor(graph: q.graph, registry: .int8, threads: 1).run(["a": a, "b": b])["y"]!
        #expect(y.intArray() == [3 * 1 + 4 * 3, 3 * -2 + 4 * -4])
    }

    @Test func fusedInt8GraphsDoNotExport() throws {
        let l = try Formats.ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors"))
        let fused = try DynamicQuantization.apply(try l.graph())
        #expect(!fused.fused.isEmpty)
        #expect {
            try Int8ONNXFile.save(fused, from: l, to: Fixtures.scratch() + "/fused.onnx")
        } throws: { e in
            guard case QuantizeError.export(let node, let detail) = e else { return false }
            return node == fused.fused[0] && detail.contains("without fusion")
        }
    }
}
