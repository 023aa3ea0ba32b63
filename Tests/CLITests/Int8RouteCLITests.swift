import Foundation
import Testing
import TestSupport

/// The int8 route through the binary on the files that failed: an int8 safetensors made from a
/// torch.onnx export ("missing tensor 'blocks.0.q.weight'"), and DeiT-distilled's int8 ONNX
/// ("value '…sum…' is produced more than once").
@Suite struct Int8RouteCLITests {
    @Test func int8SafetensorsFromONNXRuns() throws {
        let dir = Fixtures.scratch()
        let q = try BinaryRunner.run(["quantize", Fixtures.sample("digits/onnx/torchscript.onnx"), dir + "/q.safetensors"])
        #expect(q.status == 0, "\(q.stderr)")
        let r = try BinaryRunner.run(["run", dir + "/q.safetensors", "--input", Fixtures.sample("digits/images/3/0.png"), "--top", "1"])
        #expect(r.status == 0 && r.stdout.contains("  3  "), "\(r.stdout)\(r.stderr)")
    }

    @Test func deitDistilledInt8ONNXRuns() throws {
        let dir = Fixtures.scratch()
        let q = try BinaryRunner.run(["quantize", Fixtures.sample("deit-distilled/model.safetensors"), dir + "/d.int8.onnx"])
        #expect(q.status == 0, "\(q.stderr)")
        let r = try BinaryRunner.run(["run", dir + "/d.int8.onnx", "--input", Fixtures.sample("inputs/batch224.npy"), "--top", "1"])
        #expect(r.status == 0 && r.stdout.contains("batch224.npy[1]:"), "\(r.stdout)\(r.stderr)")
    }

    @Test func unrecognisedONNXToInt8SafetensorsIsRefused() throws {
        let dir = Fixtures.scratch()
        let q = try BinaryRunner.run(["quantize", Fixtures.sample("onnx-ops/ops17.onnx"), dir + "/q.safetensors"])
        #expect(q.status != 0 && q.stderr.contains("quantize it to .onnx"), "\(q.stdout)\(q.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/q.safetensors"))
    }
}
