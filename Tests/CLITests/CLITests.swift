import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// End to end through the built `vitopt` binary, including the error paths: each bad input must give
/// a clear message naming the file, a non-zero exit, and no output file.
@Suite struct CLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    @Test func inspectJSONHasTheContractFields() throws {
        let r = try BinaryRunner.run(["inspect", teacher, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        for key in ["format", "convention", "image_size", "patch_size", "embed_dim", "depth", "num_heads", "num_classes",
                    "num_prefix_tokens", "parameters", "dtypes"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        #expect(obj["convention"] as? String == "timm")
        #expect(obj["image_size"] as? [Int] == [32, 32])
        #expect(obj["num_heads"] as? Int == 4 && obj["depth"] as? Int == 6)
    }

    @Test func inspectGraphDumpsNodes() throws {
        let r = try BinaryRunner.run(["inspect", Fixtures.sample("deit-distilled/model.safetensors"), "--graph"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("head_average = Average(") && r.stdout.contains("blocks.1.attn.core = Attention("))
        #expect(r.stdout.contains("pixel_values: F32[N,3,224,224]"))
    }

    @Test func runWritesLogitsThatMatchPyTorch() throws {
        let dir = Fixtures.scratch()
        let r = try BinaryRunner.run(["run", Fixtures.sample("hf-vit/model.safetensors"), "--input", Fixtures.sample("inputs/batch224.npy"),
                                      "--output", dir + "/y.npy", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let y = try NpyArray.read(path: dir + "/y.npy"), want = try Fixtures.npy("hf-vit/logits.npy")
        #expect(Tolerance.close(y, want, relative: 1e-4))
    }

    @Test func runOnAnImagePrintsLabelledTopClasses() throws {
        let r = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("digits/images/7/0.png"), "--top", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let first = r.stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(first.hasSuffix("7  7"), "top class line: \(first)")
    }

    @Test func evalReportsAccuracyAndAgreement() throws {
        let r = try BinaryRunner.run(["eval", teacher, "--data", Fixtures.sample("digits/test_pixels.npy"), "--labels",
                                      Fixtures.sample("digits/test_y.npy"), "--against", Fixtures.sample("digits/hf/model.safetensors"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((obj["top1"] as! Double) >= 0.97)
        #expect(obj["agreement"] as? Double == 1)
        let folder = try BinaryRunner.run(["eval", teacher, "--data", Fixtures.sample("digits/images"), "--json"])
        #expect(folder.status == 0, "\(folder.stderr)")
        let f = try JSONSerialization.jsonObject(with: Data(folder.stdout.utf8)) as! [String: Any]
        #expect(f["samples"] as? Int == 30 && (f["top1"] as! Double) >= 0.9)
    }

    @Test func convertAndCreateRoundTrip() throws {
        let dir = Fixtures.scratch()
        let c = try BinaryRunner.run(["create", "deit_tiny_distilled_patch16_224", dir + "/d.safetensors", "--classes", "3", "--seed", "4"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/config.json"))
        try FileManager.default.createDirectory(atPath: dir + "/hf", withIntermediateDirectories: true)
        let h = try BinaryRunner.run(["convert", dir + "/d.safetensors", dir + "/hf/d.safetensors", "--naming", "hf"])
        #expect(h.status == 0, "\(h.stderr)")
        #expect(h.stdout.contains("renamed"))
        let t = try BinaryRunner.run(["convert", dir + "/hf/d.safetensors", dir + "/back.safetensors", "--naming", "timm"])
        #expect(t.status == 0, "\(t.stderr)")
        let a = try SafetensorsFile(path: dir + "/d.safetensors"), b = try SafetensorsFile(path: dir + "/back.safetensors")
        #expect(a.names == b.names)
        for n in a.names { #expect(a.tensors[n]!.bitwiseEqual(b.tensors[n]!)) }
    }

    @Test func benchPrintsJSONRows() throws {
        let r = try BinaryRunner.run(["bench", teacher, "--batch", "1,4", "--threads", "1", "--runs", "2", "--warmup", "0", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = obj["rows"] as! [[String: Any]]
        #expect(rows.count == 2 && rows.allSatisfy { ($0["fp32_median_ms"] as! Double) > 0 })
    }

    /// Each bad invocation: non-zero exit, a message naming the culprit, no output left behind.
    @Test(arguments: [
        (["inspect", "/nonexistent/model.safetensors"], "/nonexistent/model.safetensors"),
        (["run", "SAMPLE", "--input", "/nonexistent/x.npy"], "/nonexistent/x.npy"),
        (["run", "SAMPLE", "--input", "SAMPLES/inputs/batch224.npy", "--output", "OUT"], "the model runs at 32×32"),
        (["run", "SAMPLES/hf-vit/model.safetensors", "--input", "SAMPLES/digits/test_pixels.npy", "--output", "OUT"], "the model runs at 224×224"),
        (["run", "SAMPLE", "--input", "SAMPLES/digits/images/3/0.png", "--top", "0"], "--top must be in 1...1000000, got 0"),
        (["eval", "SAMPLE", "--data", "SAMPLES/digits/test_pixels.npy", "--labels", "SAMPLES/hf-vit/logits.npy"], "integer"),
        (["convert", "SAMPLE", "OUT", "--naming", "keras"], "keras"),
        (["convert", "SAMPLES/digits/test_y.npy", "OUT"], "not a recognised model file"),
        (["create", "vit_enormous_patch16_224", "OUT"], "unknown architecture"),
        (["run", "SAMPLE", "--input", "SAMPLES/digits/test_y.npy", "--output", "OUT"], "expected a float array"),
    ])
    func badInputsFailCleanly(_ args: [String], _ message: String) throws {
        let dir = Fixtures.scratch()
        let out = dir + "/out.safetensors"
        let resolved = args.map {
            $0.replacingOccurrences(of: "SAMPLES/", with: Fixtures.root + "/samples/")
                .replacingOccurrences(of: "SAMPLE", with: teacher).replacingOccurrences(of: "OUT", with: out)
        }
        let r = try BinaryRunner.run(resolved)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no partial output")
    }

    @Test func inputThatIsNotAPatchMultipleIsRejected() throws {
        let dir = Fixtures.scratch()
        try NpyArray.write(Tensor(zeros: .f32, shape: [1, 3, 30, 30]), to: dir + "/odd.npy")
        let r = try BinaryRunner.run(["run", teacher, "--input", dir + "/odd.npy"])
        #expect(r.status != 0 && r.stderr.contains("30×30 is not a multiple of the patch size 4×4") && r.stderr.contains("odd.npy"))
    }

    @Test func truncatedCheckpointIsRejectedWithItsName() throws {
        let dir = Fixtures.scratch()
        let data = try Data(contentsOf: URL(fileURLWithPath: teacher))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.safetensors"))
        let r = try BinaryRunner.run(["run", dir + "/cut.safetensors", "--input", Fixtures.sample("digits/test_pixels.npy")])
        #expect(r.status != 0 && r.stderr.contains("cut.safetensors") && r.stderr.contains("truncated"))
    }
}
