import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// `vitopt distill` through the real binary: a short run, its outputs, and failures that leave no output.
@Suite struct DistillCLITests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    /// 64 preprocessed digits train samples and labels as float/int64 `.npy` files.
    static func data(_ dir: String, poison: Bool = false) throws -> (String, String) {
        try DigitsTrainSlice.write(rows: 0..<64, to: dir) { x in
            poison ? Tensor(shape: x.shape, floats: [Float](repeating: .infinity, count: x.count)) : x
        }
    }

    @Test func shortRunSavesALoadableStudentLogAndReport() throws {
        let dir = Fixtures.scratch("distill-cli")
        let (x, y) = try Self.data(dir)
        let out = dir + "/student.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--out", out,
                                      "--student-depth", "1", "--epochs", "2", "--batch", "16", "--threads", "1",
                                      "--log", dir + "/run.jsonl", "--latency-runs", "2", "--crop-scale", "0.8"])
        #expect(r.status == 0, "\(r.stderr)")
        let student = try ModelLoader.load(out)
        #expect(student.convention == .timm && student.model.config.depth == 1)
        let lines = try String(contentsOfFile: dir + "/run.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines.last!.contains("\"step\":8") && lines.last!.contains("\"images_per_s\"") && lines.last!.contains("\"peak_rss_bytes\""))
        #expect(r.stdout.contains("top-1 agreement") && r.stdout.contains("fp32 latency") && r.stdout.contains("parameters"))
        #expect(r.stdout.contains("int8 latency") && r.stdout.contains("peak RSS"), "\(r.stdout)")
        #expect(r.stderr.contains("epoch 2  step 8/8") && r.stderr.contains("teacher on the native forward"))
        #expect(FileManager.default.fileExists(atPath: out + ".ckpt"))
        // Resuming the finished run trains nothing more and reproduces the same student.
        let again = dir + "/again.safetensors"
        let r2 = try BinaryRunner.run(["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--out", again,
                                       "--student-depth", "1", "--epochs", "2", "--batch", "16", "--threads", "1",
                                       "--latency-runs", "0", "--crop-scale", "0.8", "--resume", out + ".ckpt", "--checkpoint", dir + "/c2"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let a = try SafetensorsFile(path: out), b = try SafetensorsFile(path: again)
        #expect(a.names == b.names && a.names.allSatisfy { a.tensors[$0]!.bitwiseEqual(b.tensors[$0]!) })
    }

    @Test func evalRunsEveryEpochIntoProgressAndLog() throws {
        let dir = Fixtures.scratch("distill-cli")
        let (x, y) = try Self.data(dir)
        let r = try BinaryRunner.run(["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--out", dir + "/s.safetensors",
                                      "--student-depth", "1", "--epochs", "2", "--batch", "32", "--threads", "1", "--json",
                                      "--eval", x, "--eval-labels", y, "--log", dir + "/eval.jsonl", "--latency-runs", "1", "--teacher-graph"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("teacher on the graph executor"), "\(r.stderr)")
        #expect(r.stderr.contains("epoch 1 eval (64 samples): student top-1") && r.stderr.contains("epoch 2 eval"), "\(r.stderr)")
        let evals = try String(contentsOfFile: dir + "/eval.jsonl", encoding: .utf8).split(separator: "\n").filter { $0.contains("\"kind\":\"eval\"") }
        #expect(evals.count == 2 && evals.allSatisfy { $0.contains("\"agreement\"") && $0.contains("\"student_top1\"") })
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        for key in ["teacher_fp32_ms", "student_fp32_ms", "teacher_int8_ms", "student_int8_ms", "train_peak_rss_bytes", "activation_bytes"] {
            #expect((report[key] as? NSNumber).map { $0.doubleValue > 0 } == true, "\(key) in \(r.stdout)")
        }
    }

    @Test func failuresExitNonZeroWithoutOutput() throws {
        let dir = Fixtures.scratch("distill-cli")
        let (x, y) = try Self.data(dir, poison: true)
        let out = dir + "/student.safetensors"
        let base = ["distill", "--teacher", Self.teacher, "--labels", y, "--out", out, "--student-depth", "1", "--batch", "16",
                    "--epochs", "1", "--threads", "1", "--latency-runs", "0"]
        let nonFinite = try BinaryRunner.run(base + ["--data", x])
        #expect(nonFinite.status != 0 && nonFinite.stderr.contains("non-finite"), "\(nonFinite.stderr)")
        let missing = try BinaryRunner.run(base + ["--data", dir + "/nope.npy"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.npy"))
        let tooDeep = try BinaryRunner.run(base + ["--data", x, "--student-depth", "9"])
        #expect(tooDeep.status != 0 && tooDeep.stderr.contains("exceeds the teacher"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
