import Foundation
import Testing
import TestSupport
import Formats
@testable import Graph

/// `--precision bf16` on `run`, `eval` and `bench`, through the binary.
@Suite struct PrecisionCLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    @Test func runInBF16StaysCloseToFP32() throws {
        let dir = Fixtures.scratch()
        let model = Fixtures.sample("hf-vit/model.safetensors"), input = Fixtures.sample("inputs/batch224.npy")
        let f = try BinaryRunner.run(["run", model, "--input", input, "--output", dir + "/fp32.npy", "--threads", "2"])
        let b = try BinaryRunner.run(["run", model, "--input", input, "--output", dir + "/bf16.npy", "--threads", "2", "--precision", "bf16"])
        #expect(f.status == 0 && b.status == 0, "\(f.stderr)\(b.stderr)")
        let fp32 = try NpyArray.read(path: dir + "/fp32.npy"), bf16 = try NpyArray.read(path: dir + "/bf16.npy")
        #expect(Tolerance.minRowCosine(fp32, bf16) > 0.999)
        if BF16GEMM.Path.avx512bf16.isSupported {
            #expect(Tolerance.maxAbsDiff(fp32, bf16) > 0, "bf16 gave fp32's bits: the bf16 kernel did not run")
        } else {
            #expect(b.stderr.contains("no AVX512-BF16"))
        }
    }

    @Test func evalReportsAgreementWithFP32() throws {
        let r = try BinaryRunner.run(["eval", teacher, "--data", Fixtures.sample("digits/images"), "--precision", "bf16", "--json", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((obj["top1"] as? Double ?? 0) > 0.9 && (obj["agreement"] as? Double ?? 0) > 0.9)
        #expect((obj["logit_cosine"] as? Double ?? 0) > 0.999)
    }

    @Test func benchShowsBF16BesideFP32AndInt8() throws {
        let r = try BinaryRunner.run(["bench", teacher, "--precision", "bf16", "--runs", "1", "--warmup", "0", "--threads", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let row = try #require((obj["rows"] as? [[String: Any]])?.first)
        #expect(row["bf16_median_ms"] is Double && row["fp32_median_ms"] is Double && row["int8_median_ms"] is Double)
        #expect((row["bf16_cosine"] as? Double ?? 0) > 0.999)
    }

    @Test func bf16OnAnInt8ModelIsAnError() throws {
        let dir = Fixtures.scratch()
        let q = dir + "/q.safetensors"
        #expect(try BinaryRunner.run(["quantize", teacher, q]).status == 0)
        for args in [["run", q, "--input", Fixtures.sample("digits/images/3/0.png")], ["eval", q, "--data", Fixtures.sample("digits/images")],
                     ["bench", q, "--runs", "1"]] {
            let r = try BinaryRunner.run(args + ["--precision", "bf16"])
            #expect(r.status != 0 && r.stderr.contains("is an int8 model: --precision bf16 applies to fp32 models"), "\(args[0]): \(r.stderr)")
        }
        let bad = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("digits/images/3/0.png"), "--precision", "fp16"])
        #expect(bad.status != 0 && bad.stderr.contains("--precision"))
    }
}
