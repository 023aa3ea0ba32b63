import Foundation
import Formats
import Graph
import Testing
import TestSupport

/// The exporter writes back the ONNX operators an imported graph keeps (what the pattern passes do
/// not turn into ViT building blocks), so an int8 `.onnx` of a real export — with its Sigmoid,
/// Reshape or batch-sized Expand — can be written. Each graph is exported, re-imported and run;
/// the outputs must equal the original graph's.
@Suite struct ONNXPassthroughExportTests {
    static func run(_ g: ModelGraph, _ x: Tensor) throws -> [String: Tensor] {
        try Executor(graph: g, registry: .onnx, threads: 1).run([g.inputs[0].name: x])
    }

    static func roundTrip(_ g: ModelGraph, opset: Int) throws -> ModelGraph {
        let path = Fixtures.scratch("onnx-passthrough") + "/g.onnx"
        try ONNXExporter.write(g, to: path, opset: opset, externalData: false, registry: .onnx)
        return try ONNXImporter.load(path).graph
    }

    static func expectSame(_ a: [String: Tensor], _ b: [String: Tensor], _ outputs: [String], _ what: String) {
        for o in outputs {
            guard let x = a[o], let y = b[o] else { Issue.record("\(what): output '\(o)' missing"); continue }
            #expect(x.shape == y.shape && Tolerance.maxAbsDiff(x, y) <= 1e-6 * max(1, Tolerance.maxAbs(x)), "\(what): output '\(o)'")
        }
    }

    @Test("ONNX Runtime's operator fixtures survive export and re-import",
          arguments: [("ops17.onnx", 17), ("ops17.onnx", 18), ("ops11.onnx", 17), ("ops11.onnx", 18)])
    func operatorFixtures(_ file: String, _ opset: Int) throws {
        let g = try ONNXImporter.load(Fixtures.sample("onnx-ops/" + file)).graph
        let x = try Fixtures.npy("onnx-ops/x.npy")
        let back = try Self.roundTrip(g, opset: opset)
        #expect(back.outputs == g.outputs)
        Self.expectSame(try Self.run(g, x), try Self.run(back, x), g.outputs, "\(file) at opset \(opset)")
    }

    /// Sigmoid, a Reshape keeping the batch (`0`), an Expand to the batch of the input (`-1`), a
    /// Slice, Clip bounds as attributes (pre-opset-11 form), Unsqueeze/Squeeze and ReduceMean —
    /// the IR as `ShapeFolding` leaves it, parameters as attributes.
    static func folded() -> ModelGraph {
        let tokens = Tensor(shape: [1, 1, 3], floats: [0.25, -1.5, 2])
        let nodes = [
            Node(name: "sig", op: "Sigmoid", inputs: ["x"], outputs: ["s"]),
            Node(name: "flat", op: "Reshape", inputs: ["s"], outputs: ["r"], attributes: ["shape": .ints([0, 3, 16])]),
            Node(name: "tr", op: "Transpose", inputs: ["r"], outputs: ["t"], attributes: ["perm": .ints([0, 2, 1])]),
            Node(name: "grow", op: "Expand", inputs: ["tok", "x"], outputs: ["e"], attributes: ["shape": .ints([-1, 16, 3])]),
            Node(name: "sum", op: "Add", inputs: ["t", "e"], outputs: ["a"]),
            Node(name: "cut", op: "Slice", inputs: ["a"], outputs: ["c"],
                 attributes: ["starts": .ints([1]), "ends": .ints([9]), "axes": .ints([1])]),
            Node(name: "clip", op: "Clip", inputs: ["c"], outputs: ["k"], attributes: ["min": .float(0.3), "max": .float(2.5)]),
            Node(name: "up", op: "Unsqueeze", inputs: ["k"], outputs: ["u"], attributes: ["axes": .ints([1])]),
            Node(name: "down", op: "Squeeze", inputs: ["u"], outputs: ["q"], attributes: ["axes": .ints([1])]),
            Node(name: "mean", op: "ReduceMean", inputs: ["q"], outputs: ["y"], attributes: ["axes": .ints([-1]), "keepdims": .int(0)]),
        ]
        return ModelGraph(name: "folded", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(3), .fixed(4), .fixed(4)])],
                          outputs: ["y", "e"], nodes: nodes, initializers: ["tok": tokens])
    }

    @Test("Sigmoid, Reshape, batch-sized Expand and folded parameters are written back", arguments: [13, 17, 18])
    func foldedParameters(_ opset: Int) throws {
        let g = Self.folded()
        var rng = SeededGenerator(seed: 11)
        let x = Tensor(shape: [2, 3, 4, 4], floats: (0..<96).map { _ in rng.normal() })
        let back = try Self.roundTrip(g, opset: opset)
        let a = try Self.run(g, x), b = try Self.run(back, x)
        #expect(a["y"]?.shape == [2, 8] && a["e"]?.shape == [2, 16, 3])
        Self.expectSame(a, b, g.outputs, "opset \(opset)")
        // A batch of another size: the exported Expand reads it from the input, not a constant.
        let x3 = Tensor(shape: [3, 3, 4, 4], floats: (0..<144).map { _ in rng.normal() })
        #expect(try Self.run(back, x3)["e"]?.shape == [3, 16, 3])
    }

    @Test("a pre-opset-13 Softmax over the axes from 1 on is written as Flatten, Softmax, Reshape")
    func coercedSoftmax() throws {
        let g = ModelGraph(name: "softmax", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(3), .fixed(4), .fixed(4)])],
                           outputs: ["y"], nodes: [Node(name: "sm", op: "Softmax", inputs: ["x"], outputs: ["y"],
                                                        attributes: ["axis": .int(1), "coerce2d": .int(1)])],
                           initializers: [:])
        var rng = SeededGenerator(seed: 12)
        let x = Tensor(shape: [2, 3, 4, 4], floats: (0..<96).map { _ in rng.normal() })
        let y = try #require(try Self.run(g, x)["y"])
        // Each sample's 48 values sum to 1 (one softmax over the flattened block).
        let v = y.floatArray()
        for b in 0..<2 { #expect(abs(v[(b * 48)..<(b * 48 + 48)].reduce(0, +) - 1) < 1e-5) }
        let back = try Self.roundTrip(g, opset: 17)
        Self.expectSame(try Self.run(g, x), try Self.run(back, x), ["y"], "coerced Softmax")
    }
}
