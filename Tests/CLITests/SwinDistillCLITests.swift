import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// `vitopt distill` with Swin teachers through the real binary: a Swin student by default (timm and
/// transformers naming, classifier and headless), a ViT student on request, and refusals that leave no output.
@Suite struct SwinDistillCLITests {
    static let dir = "distill/tiny-swin/"
    static let teacher = Fixtures.sample(dir + "model.safetensors")
    static let x = Fixtures.sample(dir + "input.npy"), y = Fixtures.sample(dir + "labels.npy")

    @Test func swinTeacherTrainsASwinStudentThatResumesBitForBit() throws {
        let scratch = Fixtures.scratch("swin-distill-cli")
        let out = scratch + "/student/model.safetensors"
        let base = ["distill", "--teacher", Self.teacher, "--data", Self.x, "--labels", Self.y, "--student-depth", "1", "--epochs", "2",
                    "--batch", "2", "--threads", "2"]
        let r = try BinaryRunner.run(base + ["--out", out, "--eval", Self.x, "--eval-labels", Self.y, "--log", scratch + "/run.jsonl", "--latency-runs", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("student: Swin, depths [1, 1] from the teacher's [2, 2]") && r.stderr.contains("epoch 2 eval"), "\(r.stderr)")
        #expect(r.stdout.contains("top-1 agreement") && r.stdout.contains("fp32 latency"), "\(r.stdout)")
        let student = try ModelLoader.load(out)
        let swin = try #require(student.swin)
        #expect(student.convention == .timm && swin.config.depths == [1, 1] && swin.config.windowSize == 2 && swin.config.numClasses == 5)
        #expect(FileManager.default.fileExists(atPath: scratch + "/student/config.json"))
        let steps = try String(contentsOfFile: scratch + "/run.jsonl", encoding: .utf8).split(separator: "\n").filter { $0.contains("\"step\"") && !$0.contains("eval") }
        #expect(steps.count == 4)
        // Resuming the finished run trains nothing more and writes the same student.
        let again = scratch + "/again/model.safetensors"
        let r2 = try BinaryRunner.run(base + ["--out", again, "--latency-runs", "0", "--resume", out + ".ckpt", "--checkpoint", scratch + "/c2"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let a = try SafetensorsFile(path: out), b = try SafetensorsFile(path: again)
        #expect(a.names == b.names && a.names.allSatisfy { a.tensors[$0]!.bitwiseEqual(b.tensors[$0]!) })
        // A ViT checkpoint (of the same settings) is not a Swin student's.
        let vitCkpt = scratch + "/vit.ckpt"
        let v = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample("distill/tiny/model.safetensors"), "--data", Fixtures.sample("distill/tiny/input.npy"),
                                      "--labels", Fixtures.sample("distill/tiny/labels.npy"), "--out", scratch + "/vit/model.safetensors", "--checkpoint", vitCkpt, "--batch", "2", "--epochs", "1", "--latency-runs", "0"])
        #expect(v.status == 0, "\(v.stderr)")
        let wrong = try BinaryRunner.run(base + ["--out", scratch + "/wrong/model.safetensors", "--resume", vitCkpt, "--latency-runs", "0"])
        #expect(wrong.status != 0 && wrong.stderr.contains("no Swin student config"), "\(wrong.stderr)")
    }

    @Test func transformersTeachersGiveTransformersStudents() throws {
        let scratch = Fixtures.scratch("swin-distill-cli")
        let narrow = scratch + "/narrow/model.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample("swin/hf/model.safetensors"), "--data", Fixtures.sample("swin/input.npy"),
                                      "--out", narrow, "--student-dim", "8", "--student-heads", "1", "--batch", "2", "--epochs", "1", "--latency-runs", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try ModelLoader.load(narrow)
        #expect(a.convention == .hf && a.swin?.config.embedDim == 8 && a.swin?.config.numHeads == [1, 2], "\(String(describing: a.swin?.config))")
        let headless = scratch + "/headless/model.safetensors"
        let h = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample("distill/tiny-swin-model/model.safetensors"), "--data", Self.x,
                                      "--out", headless, "--student-depth", "1", "--batch", "2", "--epochs", "1", "--latency-runs", "0"])
        #expect(h.status == 0 && h.stdout.contains("mean cosine(student, teacher)"), "\(h.stderr)")
        let b = try ModelLoader.load(headless)
        #expect(b.convention == .hf && b.swin?.config.numClasses == 0 && b.swin?.config.depths == [1, 1])
    }

    @Test func vitStudentOfASwinTeacher() throws {
        let scratch = Fixtures.scratch("swin-distill-cli")
        let out = scratch + "/vit/model.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Self.teacher, "--data", Self.x, "--labels", Self.y, "--out", out, "--student", "vit",
                                      "--student-depth", "1", "--student-dim", "16", "--student-heads", "2", "--batch", "2", "--epochs", "1", "--latency-runs", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ModelLoader.load(out)
        #expect(s.swin == nil && s.convention == .timm && s.model.config.family == "vit" && s.model.config.depth == 1 && s.model.config.embedDim == 16)
        #expect(s.model.config.imageSize == [16, 16] && s.model.config.patchSize == [8, 8])
    }

    @Test func refusalsLeaveNoOutput() throws {
        let scratch = Fixtures.scratch("swin-distill-cli")
        let out = scratch + "/s/model.safetensors"
        let base = ["distill", "--teacher", Self.teacher, "--data", Self.x, "--out", out, "--batch", "2", "--epochs", "1", "--latency-runs", "0"]
        let dist = try BinaryRunner.run(base + ["--dist-token"])
        #expect(dist.status != 0 && dist.stderr.contains("no distillation token"), "\(dist.stderr)")
        let naming = try BinaryRunner.run(base + ["--naming", "openclip"])
        #expect(naming.status != 0 && naming.stderr.contains("timm or hf"), "\(naming.stderr)")
        let heads = try BinaryRunner.run(base + ["--student-heads", "3"])
        #expect(heads.status != 0 && heads.stderr.contains("heads"), "\(heads.stderr)")
        let narrow = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample("distill/tiny-swin-model/model.safetensors"), "--data", Self.x,
                                           "--out", out, "--student-dim", "4", "--batch", "2", "--epochs", "1", "--latency-runs", "0"])
        #expect(narrow.status != 0 && narrow.stderr.contains("needs that width"), "\(narrow.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
