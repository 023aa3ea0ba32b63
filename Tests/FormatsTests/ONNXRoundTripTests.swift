import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// ONNX → safetensors → ONNX, and vitopt's own exports re-imported: every tensor bit for bit.
@Suite("ONNX round trips")
struct ONNXRoundTripTests {
    static let exports = ["digits/onnx/torchscript.onnx", "digits/onnx/dynamo.onnx", "hf-vit/onnx/model.onnx"]

    func expectSameTensors(_ a: ViTDescription, _ b: ViTDescription, _ what: String) {
        let pa = a.packingQKV(), pb = b.packingQKV()
        #expect(Set(pa.tensors.keys) == Set(pb.tensors.keys), "\(what): parameter sets differ")
        for (key, t) in pa.tensors {
            guard let u = pb.tensors[key] else { continue }
            #expect(t.bitwiseEqual(u), "\(what): \(key) differs")
        }
        #expect(a.config == b.config, "\(what): configs differ")
    }

    @Test("real exports: ONNX → safetensors → ONNX → vitopt keeps every tensor bit-exact", arguments: 0..<3)
    func realExportRoundTrip(_ i: Int) throws {
        let dir = Fixtures.scratch("onnx-rt")
        let first = try ModelLoader.load(Fixtures.sample(Self.exports[i]))
        #expect(first.recognized, "\(Self.exports[i]) should be recognised as a ViT")
        // OpenCLIP naming holds CLIP towers only; these are plain ViTs.
        for naming in [NamingConvention.timm, .hf] {
            let st = dir + "/\(naming.rawValue).safetensors"
            _ = try ModelSaver.save(first.model, to: st, naming: naming, writeConfigJSON: false)
            let second = try ModelLoader.load(st)
            let onnx = dir + "/\(naming.rawValue).onnx"
            try ONNXModelSaver.save(second.model, to: onnx, naming: naming)
            let third = try ModelLoader.load(onnx)
            expectSameTensors(first.model, second.model, "\(Self.exports[i]) → \(naming) safetensors")
            expectSameTensors(first.model, third.model, "\(Self.exports[i]) → \(naming) safetensors → onnx")
        }
    }

    @Test("the TorchScript export converts to the original timm checkpoint, bit for bit and name for name")
    func exportToOriginalCheckpoint() throws {
        let dir = Fixtures.scratch("onnx-ckpt")
        let loaded = try ModelLoader.load(Fixtures.sample("digits/onnx/torchscript.onnx"))
        _ = try ModelSaver.save(loaded.model, to: dir + "/m.safetensors", naming: .timm, writeConfigJSON: false)
        let mine = try SafetensorsFile(path: dir + "/m.safetensors"), original = try SafetensorsFile(path: Fixtures.sample("digits/timm/model.safetensors"))
        #expect(Set(mine.names) == Set(original.names))
        for name in original.names { #expect(mine.tensors[name]!.bitwiseEqual(original.tensors[name]!), "\(name)") }
    }

    @Test("vitopt's export keeps parameter names and layouts, re-imports, and runs to ONNX Runtime's logits of it", arguments: [false, true])
    func exportReimports(_ external: Bool) throws {
        let dir = Fixtures.scratch("onnx-export")
        let teacher = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors"))
        let path = dir + "/teacher.onnx"
        let summary = try ONNXModelSaver.save(teacher.model, to: path, naming: .timm, externalData: external)
        #expect((summary.externalDataPath != nil) == external)
        #expect(FileManager.default.fileExists(atPath: path + ".data") == external)
        let file = try ONNXFile(path: path)
        let original = try SafetensorsFile(path: Fixtures.sample("digits/timm/model.safetensors"))
        for name in original.names { #expect(file.graph.initializers[name]?.bitwiseEqual(original.tensors[name]!) == true, "\(name)") }
        #expect(file.graph.inputs.map(\.name) == ["pixel_values"] && file.graph.outputs == ["logits"])
        #expect(file.graph.inputs[0].shape.first == .batch)
        let back = try ModelLoader.load(path)
        expectSameTensors(teacher.model, back.model, "safetensors → onnx")
        let x = try Fixtures.npy("digits/onnx_input.npy")
        let y = try Executor(graph: try back.graph(), registry: back.registry, threads: 1).run(["pixel_values": x])["logits"]!
        let ort = try Fixtures.npy("digits/vitopt_export_ort_logits.npy")
        #expect(Tolerance.close(y, ort, relative: 1e-4), "max abs diff \(Tolerance.maxAbsDiff(y, ort))")
    }

    @Test("exports at opsets 13, 18 and 20 (decomposed LayerNorm, ReduceMean axes input, Gelu op) re-import to the same math", arguments: [13, 18, 20])
    func opsets(_ opset: Int) throws {
        let dir = Fixtures.scratch("onnx-opset")
        let teacher = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors"))
        try ONNXModelSaver.save(teacher.model, to: dir + "/m.onnx", naming: .timm, opset: opset)
        let back = try ModelLoader.load(dir + "/m.onnx")
        #expect(back.recognized)
        let x = try Fixtures.npy("digits/onnx_input.npy")
        let y = try Executor(graph: try back.graph(), registry: back.registry, threads: 1).run(["pixel_values": x])["logits"]!
        #expect(Tolerance.close(y, try Fixtures.npy("digits/vitopt_export_ort_logits.npy"), relative: 1e-4))
    }
}
