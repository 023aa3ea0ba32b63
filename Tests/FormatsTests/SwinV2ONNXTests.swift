import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Swin v2 and ONNX: vitopt's export (standard operators: the position-bias MLP on a constant
/// coordinate table, cosine attention with the clamped logit scale) re-imports bit-exact and its
/// imported graph computes the library's outputs.
@Suite struct SwinV2ONNXTests {
    static func file(_ relative: String) -> String { Fixtures.sample("swinv2/" + relative) }

    @Test(arguments: [("timm", "logits"), ("hf-model", "last_hidden_state"), ("hf-model", "pooler_output")])
    func exportReimportsBitExactAndRuns(_ fixture: String, _ output: String) throws {
        let loaded = try ModelLoader.load(Self.file(fixture))
        let swin = try #require(loaded.swin)
        let out = Fixtures.scratch("swinv2-onnx-\(fixture)") + "/model.onnx"
        _ = try SwinSaver.save(swin, to: out, naming: .timm, format: .onnx, writeConfigJSON: false, inputs: OutputGuard())
        let back = try ModelLoader.load(out)
        let again = try #require(back.swin, "the export does not read back as a Swin")
        #expect(again.config == swin.config && again.config.isV2)
        #expect(Set(again.tensors.keys) == Set(swin.tensors.keys))
        for (name, t) in swin.tensors { #expect(again.tensors[name]?.bitwiseEqual(t) == true, "\(name) differs") }
        let g = try #require(back.importedGraph)
        #expect(!g.nodes.contains { $0.op == OpKind.windowAttention || $0.op == OpKind.continuousPositionBias }, "the export is standard ONNX")
        let x = try NpyArray.read(path: Self.file("input.npy"))
        let got = try #require(try Executor(graph: g, registry: back.registry, threads: 2).run([g.inputs[0].name: x])[output])
        let want = try NpyArray.read(path: Self.file("\(fixture)/\(output).npy"))
        let diff = Tolerance.maxAbsDiff(got, want), scale = Tolerance.maxAbs(want)
        #expect(diff <= 1e-5 * scale, "\(fixture) \(output): max diff \(diff), scale \(scale)")
    }
}
