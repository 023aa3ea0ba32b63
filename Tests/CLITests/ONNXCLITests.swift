import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// `vitopt inspect / run / convert` on ONNX files, through the built binary.
@Suite struct ONNXCLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    @Test func convertToONNXThenRunTheExportedFile() throws {
        let dir = Fixtures.scratch("cli-onnx")
        let c = try BinaryRunner.run(["convert", teacher, dir + "/teacher.onnx", "--opset", "17"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("onnx opset 17"))
        let r = try BinaryRunner.run(["run", dir + "/teacher.onnx", "--input", Fixtures.sample("digits/onnx_input.npy"), "--output", dir + "/y.npy"])
        #expect(r.status == 0, "\(r.stderr)")
        let y = try NpyArray.read(path: dir + "/y.npy")
        #expect(Tolerance.close(y, try Fixtures.npy("digits/vitopt_export_ort_logits.npy"), relative: 1e-4))
    }

    @Test func onnxIsRecognisedByMagicNotName() throws {
        let dir = Fixtures.scratch("cli-magic")
        try FileManager.default.copyItem(atPath: Fixtures.sample("hf-vit/onnx/model.onnx"), toPath: dir + "/weights.bin")
        let r = try BinaryRunner.run(["inspect", dir + "/weights.bin", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(obj["format"] as? String == "onnx" && obj["depth"] as? Int == 2 && obj["num_heads"] as? Int == 3)
    }

    @Test func convertRealExportToHFNaming() throws {
        let dir = Fixtures.scratch("cli-onnx-hf")
        let r = try BinaryRunner.run(["convert", Fixtures.sample("digits/onnx/dynamo.onnx"), dir + "/model.safetensors", "--naming", "hf"])
        #expect(r.status == 0, "\(r.stderr)")
        let file = try SafetensorsFile(path: dir + "/model.safetensors")
        #expect(file.tensors["vit.encoder.layer.5.attention.attention.query.weight"]?.shape == [64, 64])
        #expect(FileManager.default.fileExists(atPath: dir + "/config.json"))
    }

    @Test func truncatedONNXFailsCleanlyWithoutOutput() throws {
        let dir = Fixtures.scratch("cli-onnx-bad")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("hf-vit/onnx/model.onnx")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir + "/model.onnx"))
        let r = try BinaryRunner.run(["convert", dir + "/model.onnx", dir + "/out.safetensors"])
        #expect(r.status != 0)
        #expect(r.stderr.contains(dir + "/model.onnx") && r.stderr.contains("truncated"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.safetensors"))
    }

    @Test func unrecognisedGraphRunsAndConvertsUnderONNXNames() throws {
        // Swap one GELU's Erf for Tanh: still a valid graph, no longer a ViT vitopt recognises.
        let dir = Fixtures.scratch("cli-onnx-odd")
        var m = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("hf-vit/onnx/model.onnx"))))
        let i = m.graph.node.firstIndex { $0.opType == "Erf" }!
        m.graph.node[i].opType = "Tanh"
        try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: dir + "/odd.onnx"))
        let r = try BinaryRunner.run(["run", dir + "/odd.onnx", "--input", Fixtures.sample("inputs/batch224.npy"), "--top", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("not recognised as a ViT"))
        let c = try BinaryRunner.run(["convert", dir + "/odd.onnx", dir + "/odd.safetensors"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stderr.contains("under their ONNX names"))
        let file = try SafetensorsFile(path: dir + "/odd.safetensors")
        #expect(file.tensors["onnx::MatMul_343"]?.shape == [24, 24] && file.tensors["m.vit.embeddings.cls_token"]?.shape == [1, 1, 24])
    }
}
