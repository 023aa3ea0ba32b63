import Foundation
import Testing
import TestSupport
import Formats

/// An int8 Swin as `.safetensors` through the binary: quantize, then run (against the fp32 golden,
/// loosely: int8), inspect, bench and convert to int8 ONNX.
@Suite struct SwinInt8CLITests {
    @Test func quantizeRunInspectBenchConvert() throws {
        let dir = Fixtures.scratch()
        let q8 = dir + "/swin.int8.safetensors"
        let q = try BinaryRunner.run(["quantize", Fixtures.sample("swin/timm"), q8])
        #expect(q.status == 0, "\(q.stdout)\(q.stderr)")
        let r = try BinaryRunner.run(["run", q8, "--input", Fixtures.sample("swin/input.npy"), "--output", dir + "/logits.npy"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let got = try NpyArray.read(path: dir + "/logits.npy"), want = try Fixtures.npy("swin/timm/logits.npy")
        #expect(Tolerance.minRowCosine(got, want) >= 0.999, "int8 logits row cosine \(Tolerance.minRowCosine(got, want))")
        let i = try BinaryRunner.run(["inspect", q8])
        #expect(i.status == 0 && i.stdout.contains("Swin") && i.stdout.contains("int8"), "\(i.stdout)\(i.stderr)")
        let b = try BinaryRunner.run(["bench", q8, "--batch", "1", "--threads", "1", "--runs", "2", "--warmup", "1"])
        #expect(b.status == 0, "\(b.stdout)\(b.stderr)")
        let c = try BinaryRunner.run(["convert", q8, dir + "/swin.int8.onnx"])
        #expect(c.status == 0 && FileManager.default.fileExists(atPath: dir + "/swin.int8.onnx"), "\(c.stdout)\(c.stderr)")
    }
}
