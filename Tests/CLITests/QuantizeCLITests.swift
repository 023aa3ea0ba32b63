import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// `vitopt quantize`, int8 files through `run`/`inspect`/`bench`, and `bench gemm`, through the binary.
@Suite struct QuantizeCLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    @Test func quantizeReportAndRunTheInt8File() throws {
        let dir = Fixtures.scratch()
        let out = dir + "/m.int8.safetensors"
        let r = try BinaryRunner.run(["quantize", teacher, out, "--exclude", "head", "--eval", Fixtures.sample("digits/test_pixels.npy"),
                                      "--labels", Fixtures.sample("digits/test_y.npy"), "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("quantized 24 Linear layer(s)") && r.stdout.contains("kept fp32: head (excluded)"))
        #expect(r.stdout.contains("blocks.5.mlp.fc2") && r.stdout.contains("top-1 agreement"))
        let i = try BinaryRunner.run(["inspect", out])
        #expect(i.status == 0 && i.stdout.contains("quantization: dynamic int8") && i.stdout.contains("fp32 Linear layers: head"), "\(i.stderr)")
        let run = try BinaryRunner.run(["run", out, "--input", Fixtures.sample("digits/images/3/0.png"), "--top", "1"])
        #expect(run.status == 0 && run.stdout.contains("  3  "), "\(run.stdout)\(run.stderr)")
    }

    @Test func badInputsFailWithoutOutput() throws {
        let dir = Fixtures.scratch()
        let q = dir + "/q.safetensors"
        #expect(try BinaryRunner.run(["quantize", teacher, q]).status == 0)
        let again = try BinaryRunner.run(["quantize", q, dir + "/qq.safetensors"])
        #expect(again.status != 0 && again.stderr.contains("already quantized"))
        let none = try BinaryRunner.run(["quantize", teacher, dir + "/x.safetensors", "--exclude", "nope*"])
        #expect(none.status != 0 && none.stderr.contains("'nope*' matches no Linear"))
        let all = try BinaryRunner.run(["quantize", teacher, dir + "/y.safetensors", "--exclude", "*"])
        #expect(all.status != 0 && all.stderr.contains("nothing to quantize"))
        let mode = try BinaryRunner.run(["quantize", teacher, dir + "/z.safetensors", "--activations", "per-channel"])
        #expect(mode.status != 0)
        for f in ["qq", "x", "y", "z"] { #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(f).safetensors")) }
    }

    @Test func benchModelAndGEMMPrintJSON() throws {
        let b = try BinaryRunner.run(["bench", teacher, "--batch", "1", "--threads", "1", "--runs", "1", "--warmup", "0", "--json"])
        #expect(b.status == 0, "\(b.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as! [String: Any]
        let row = (obj["rows"] as! [[String: Any]])[0]
        for k in ["batch", "threads", "fp32_median_ms", "int8_median_ms", "speedup", "cosine"] { #expect(row[k] != nil, "missing \(k)") }
        #expect((row["cosine"] as! Double) > 0.999)
        let g = try BinaryRunner.run(["bench", "gemm", "--reps", "1", "--shape", "8x20x30", "--json"])
        #expect(g.status == 0, "\(g.stderr)")
        let shapes = (try JSONSerialization.jsonObject(with: Data(g.stdout.utf8)) as! [String: Any])["shapes"] as! [[String: Any]]
        #expect(shapes.count == 9 && shapes.last?["N"] as? Int == 30 && shapes[0]["int8_gops"] != nil && shapes[0]["sgemm_gflops"] != nil)
    }
}
