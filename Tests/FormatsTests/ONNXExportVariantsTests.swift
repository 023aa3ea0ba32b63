import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// Every ViT variant vitopt reads exports to ONNX, re-imports as the same ViT (bit-exact tensors),
/// and runs to the PyTorch goldens.
@Suite("ONNX export of every variant")
struct ONNXExportVariantsTests {
    static let cases: [(model: String, input: String, goldens: [String])] = [
        ("hf-vit/model.safetensors", "inputs/batch224.npy", ["hf-vit/logits.npy"]),
        ("hf-vitmodel/model.safetensors", "inputs/batch224.npy", ["hf-vitmodel/last_hidden_state.npy", "hf-vitmodel/pooler_output.npy"]),
        ("deit-distilled/model.safetensors", "inputs/batch224.npy", ["deit-distilled/logits.npy"]),
        ("timm-variants/model.safetensors", "timm-variants/input.npy", ["timm-variants/logits.npy"]),
    ]

    @Test("export → import → run matches PyTorch; parameters bit-exact", arguments: 0..<4, [17, 13])
    func variant(_ i: Int, _ opset: Int) throws {
        let c = Self.cases[i]
        let source = try ModelLoader.load(Fixtures.sample(c.model))
        let path = Fixtures.scratch("onnx-variant") + "/model.onnx"
        try ONNXModelSaver.save(source.model, to: path, naming: source.convention, opset: opset)
        let back = try ModelLoader.load(path)
        #expect(back.recognized, "\(c.model) at opset \(opset) was not recognised after export: \(back.warnings)")
        #expect(back.model.config == source.model.config)
        let a = source.model.packingQKV(), b = back.model.packingQKV()
        #expect(Set(a.tensors.keys) == Set(b.tensors.keys))
        for (k, t) in a.tensors { #expect(b.tensors[k]?.bitwiseEqual(t) == true, "\(k)") }
        let g = try back.graph()
        let out = try Executor(graph: g, registry: back.registry, threads: 2).run(["pixel_values": try Fixtures.npy(c.input)])
        for (name, golden) in zip(g.outputs, c.goldens) {
            let want = try Fixtures.npy(golden)
            #expect(Tolerance.close(out[name]!, want, relative: 1e-4), "\(name): max abs diff \(Tolerance.maxAbsDiff(out[name]!, want))")
        }
    }
}
