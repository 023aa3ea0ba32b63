import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Swin and ONNX: vitopt's export re-imports bit-exact and runs to the library's outputs; the
/// libraries' own `torch.onnx` exports (TorchScript and dynamo; `samples/swin/*/onnx/`) run in vitopt
/// to ONNX Runtime's outputs.
@Suite struct SwinONNXTests {
    static func file(_ relative: String) -> String { Fixtures.sample("swin/" + relative) }

    static func first(_ loaded: LoadedModel, input: String) throws -> Tensor {
        let g = try loaded.graph()
        let x = try NpyArray.read(path: file(input))
        return try Executor(graph: g, registry: loaded.registry, threads: 2).run([g.inputs[0].name: x])[g.outputs[0]]!
    }

    @Test(arguments: ["timm", "hf-model"])
    func exportReimportsBitExactAndRuns(_ fixture: String) throws {
        let loaded = try ModelLoader.load(Self.file(fixture))
        let swin = try #require(loaded.swin)
        let out = Fixtures.scratch("swin-onnx") + "/model.onnx"
        _ = try SwinSaver.save(swin, to: out, naming: .timm, format: .onnx, writeConfigJSON: false, inputs: OutputGuard())
        let back = try ModelLoader.load(out)
        let again = try #require(back.swin, "the export does not read back as a Swin")
        #expect(again.config == swin.config)
        #expect(Set(again.tensors.keys) == Set(swin.tensors.keys))
        for (name, t) in swin.tensors { #expect(again.tensors[name]?.bitwiseEqual(t) == true, "\(name) differs") }
        // the imported graph (standard ONNX operators) computes the model
        #expect(back.importedGraph != nil)
        let got = try Self.first(back, input: "input.npy")
        let name = fixture == "timm" ? "logits" : "last_hidden_state"
        let want = try NpyArray.read(path: Self.file("\(fixture)/\(name).npy"))
        #expect(Tolerance.maxAbsDiff(got, want) <= 1e-5 * Tolerance.maxAbs(want), "max diff \(Tolerance.maxAbsDiff(got, want))")
    }

    @Test(arguments: ["timm/onnx/torchscript", "timm/onnx/dynamo", "hf/onnx/torchscript"])
    func librariesExportsRun(_ export: String) throws {
        let loaded = try ModelLoader.load(Self.file(export + ".onnx"))
        let got = try Self.first(loaded, input: "input.npy")
        let dir = (export as NSString).deletingLastPathComponent, kind = (export as NSString).lastPathComponent
        let want = try NpyArray.read(path: Self.file("\(dir)/ort_\(kind)_logits.npy"))
        #expect(got.shape == want.shape)
        #expect(Tolerance.maxAbsDiff(got, want) <= 1e-5 * Tolerance.maxAbs(want), "\(export): max diff \(Tolerance.maxAbsDiff(got, want))")
    }
}
