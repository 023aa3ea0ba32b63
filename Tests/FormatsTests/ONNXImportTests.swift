import Foundation
import Testing
@testable import Formats
import Graph
import TestSupport

@Suite("ONNX import")
struct ONNXImportTests {
    static let cases: [(model: String, input: String, golden: String)] = [
        ("digits/onnx/torchscript.onnx", "digits/onnx_input.npy", "digits/onnx_logits.npy"),
        ("digits/onnx/dynamo.onnx", "digits/onnx_input.npy", "digits/onnx_logits_dynamo.npy"),
        ("hf-vit/onnx/model.onnx", "inputs/batch224.npy", "hf-vit/onnx/logits_ort.npy"),
    ]

    @Test("imported exports run to ONNX Runtime's logits", arguments: 0..<3)
    func runsToORT(_ i: Int) throws {
        let c = Self.cases[i]
        let imported = try ONNXImporter.load(Fixtures.sample(c.model))
        let x = try Fixtures.npy(c.input)
        let out = try Executor(graph: imported.graph, registry: .onnx, threads: 2).run([ViTGraphBuilder.inputName: x])
        let y = out[imported.graph.outputs[0]]!
        let want = try Fixtures.npy(c.golden)
        #expect(Tolerance.close(y, want, relative: 1e-4), "max abs diff \(Tolerance.maxAbsDiff(y, want))")
    }
}

extension ONNXImportTests {
    @Test("folding leaves dense math only; the patterns find Linear, LayerNorm, GELU and attention", arguments: 0..<3)
    func denseAfterFolding(_ i: Int) throws {
        let g = try ONNXImporter.load(Fixtures.sample(Self.cases[i].model)).graph
        var ops: [String: Int] = [:]
        for n in g.nodes { ops[n.op, default: 0] += 1 }
        print("\(Self.cases[i].model): \(ops.sorted { $0.key < $1.key })")
        for shapeOp in ["Shape", "ConstantOfShape", "Constant", "Equal", "Where", "Cast", "Unsqueeze"] {
            #expect(ops[shapeOp] == nil, "\(shapeOp) left in the executed graph")
        }
        #expect(ops["MatMul", default: 0] <= 12 && ops["Linear", default: 0] >= 13)
        #expect(ops["LayerNorm", default: 0] >= 5 && ops["LayerNormalization"] == nil && ops["ReduceMean"] == nil)
        #expect(ops["Gelu", default: 0] >= 2 && ops["Erf"] == nil)
        #expect(ops["Attention", default: 0] >= 2 && ops["Softmax"] == nil && ops["MatMul"] == nil)
        // What remains is exactly the standard ViT vocabulary.
        #expect(Set(ops.keys).isSubset(of: OpRegistry.standard.kinds), "\(ops.keys.sorted())")
    }
}

extension ONNXImportTests {
    @Test("dump", .enabled(if: ProcessInfo.processInfo.environment["VITOPT_DUMP"] != nil), arguments: 0..<3)
    func dump(_ i: Int) throws {
        let g = try ONNXImporter.load(Fixtures.sample(Self.cases[i].model)).graph
        print(try g.dump(registry: .onnx))
    }
}

extension ONNXImportTests {
    @Test("an Optimum-style export with dynamic channels, height and width runs at config.json's size")
    func dynamicSpatialAxes() throws {
        let dir = Fixtures.scratch("onnx-dyn")
        var m = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("hf-vit/onnx/model.onnx"))))
        for axis in 1...3 { m.graph.input[0].type.tensorType.shape.dim[axis].dimParam = ["", "num_channels", "height", "width"][axis] }
        try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: dir + "/model.onnx"))
        #expect(throws: FormatError.self) { _ = try ONNXImporter.load(dir + "/model.onnx") }
        try FileManager.default.copyItem(atPath: Fixtures.sample("hf-vit/config.json"), toPath: dir + "/config.json")
        let imported = try ONNXImporter.load(dir + "/model.onnx")
        #expect(imported.graph.inputs[0].shape == [.batch, .fixed(3), .fixed(224), .fixed(224)])
        let y = try Executor(graph: imported.graph, registry: .onnx, threads: 2).run(["pixel_values": try Fixtures.npy("inputs/batch224.npy")])
        #expect(Tolerance.close(y[imported.graph.outputs[0]]!, try Fixtures.npy("hf-vit/onnx/logits_ort.npy"), relative: 1e-4))
    }
}
