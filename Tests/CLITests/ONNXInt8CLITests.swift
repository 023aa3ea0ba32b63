import Foundation
import Testing
import TestSupport

/// Int8 ONNX through the binary: `quantize … .onnx`, then `eval`/`run`/`inspect`/`bench` on it,
/// `convert` of an int8 safetensors file, ONNX Runtime's files, and the refusals.
@Suite struct ONNXInt8CLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    /// The top-1 percentage `vitopt eval` prints.
    func top1(_ stdout: String) -> Double? {
        guard let r = stdout.range(of: #"top-1 ([0-9.]+)%"#, options: .regularExpression) else { return nil }
        return Double(stdout[r].dropFirst("top-1 ".count).dropLast())
    }

    @Test func quantizeToONNXThenEvalRunInspect() throws {
        let dir = Fixtures.scratch()
        let out = dir + "/teacher.int8.onnx"
        let q = try BinaryRunner.run(["quantize", teacher, out])
        #expect(q.status == 0 && q.stdout.contains("quantized 25 Linear layer(s)"), "\(q.stderr)")
        let e = try BinaryRunner.run(["eval", out, "--data", Fixtures.sample("digits/test_pixels.npy"),
                                      "--labels", Fixtures.sample("digits/test_y.npy")])
        #expect(e.status == 0, "\(e.stderr)")
        // fp32 98.89% on the 360 test digits; int8 within 0.3 points of it.
        #expect((top1(e.stdout) ?? 0) >= 98.6, "\(e.stdout)")
        let r = try BinaryRunner.run(["run", out, "--input", Fixtures.sample("digits/images/3/0.png"), "--top", "1"])
        #expect(r.status == 0 && r.stdout.contains("  3  "), "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("dynamically quantized (integer) ONNX graph"))
        let i = try BinaryRunner.run(["inspect", out])
        #expect(i.status == 0 && i.stdout.contains("25 layer(s) on vitopt's packed int8 kernel, 0 on the generic"), "\(i.stdout)\(i.stderr)")
    }

    @Test func convertInt8SafetensorsGivesTheSameONNX() throws {
        let a = Fixtures.scratch(), b = Fixtures.scratch()
        #expect(try BinaryRunner.run(["quantize", teacher, a + "/q.safetensors", "--activations", "per-tensor"]).status == 0)
        let c = try BinaryRunner.run(["convert", a + "/q.safetensors", a + "/m.onnx"])
        #expect(c.status == 0 && c.stdout.contains("activations per-tensor"), "\(c.stderr)")
        #expect(try BinaryRunner.run(["quantize", teacher, b + "/m.onnx", "--activations", "per-tensor"]).status == 0)
        #expect(FileManager.default.contents(atPath: a + "/m.onnx") == FileManager.default.contents(atPath: b + "/m.onnx"))
    }

    @Test func onnxRuntimeFilesBenchAndInspect() throws {
        let path = Fixtures.sample("onnxint8/tiny_qint8_per_channel.onnx")
        let b = try BinaryRunner.run(["bench", path, "--batch", "1", "--threads", "1", "--runs", "1", "--warmup", "0", "--json"])
        #expect(b.status == 0, "\(b.stderr)")
        let row = ((try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])?.first
        #expect((row?["cosine"] as? Double ?? 0) > 0.999)
        let u = try BinaryRunner.run(["inspect", Fixtures.sample("onnxint8/tiny_quint8.onnx")])
        #expect(u.status == 0 && u.stdout.contains("0 layer(s) on vitopt's packed int8 kernel, 10 on the generic"), "\(u.stdout)\(u.stderr)")
    }

    @Test func refusalsLeaveNoOutput() throws {
        let dir = Fixtures.scratch()
        let again = try BinaryRunner.run(["quantize", Fixtures.sample("onnxint8/tiny_qint8.onnx"), dir + "/x.onnx"])
        #expect(again.status != 0 && again.stderr.contains("already quantized"))
        #expect(try BinaryRunner.run(["quantize", teacher, dir + "/q.safetensors"]).status == 0)
        let h5 = try BinaryRunner.run(["convert", dir + "/q.safetensors", dir + "/q.h5"])
        #expect(h5.status != 0 && h5.stderr.contains("converts to .onnx only"))
        for f in ["x.onnx", "q.h5"] { #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(f)")) }
    }
}
