import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// The training loop end to end on small slices of the digits sample (seconds, seeds fixed).
@Suite struct TrainingTests {
    static let teacherPath = Fixtures.sample("digits/timm/model.safetensors")

    /// `count` digits train samples from `offset`, preprocessed, as their own float `.npy` (+ labels) in a scratch dir.
    static func slice(_ count: Int, offset: Int = 0, dir: String) throws -> (String, String) {
        try DigitsTrainSlice.write(rows: offset..<(offset + count), to: dir, suffix: "\(offset)")
    }

    static func setup(samples: Int, settings: DistillSettings, spec: StudentBuilder.Spec) throws -> (DistillTrainer, LoadedModel, String) {
        let dir = Fixtures.scratch("distill")
        let teacher = try ModelLoader.load(teacherPath)
        let (student, _) = try StudentBuilder.build(teacher: teacher.model, spec: spec, seed: settings.seed)
        let (xp, lp) = try slice(samples, dir: dir)
        let model = try TrainableViT(student, threads: 2)
        let data = try Dataset.open(xp, labels: lp, config: student.config)
        let trainer = try DistillTrainer(student: model, teacher: try Executor(graph: teacher.graph(), threads: 2), data: data,
                                         dataPath: xp, settings: settings)
        return (trainer, teacher, dir)
    }

    static func settings(epochs: Int, batch: Int) -> DistillSettings {
        var s = DistillSettings()
        s.epochs = epochs; s.batch = batch; s.lr = 3e-3; s.warmupSteps = 2; s.seed = 3
        s.loss = DistillLoss(kind: .soft, alpha: 1, temperature: 2)
        s.augment = Augmenter(minScale: 0.7, flip: true)
        return s
    }

    @Test func shortDistillationLowersLossAndRaisesAgreement() throws {
        var settings = Self.settings(epochs: 4, batch: 32)
        settings.augment = Augmenter(minScale: 0.8, flip: false)
        let (trainer, teacher, dir) = try Self.setup(samples: 128, settings: settings,
                                                     spec: .init(depth: 1))
        let (hx, hl) = try Self.slice(128, offset: 600, dir: dir)
        let held = try Dataset.open(hx, labels: hl, config: trainer.student.config)
        func agreement() throws -> Double {
            try DistillReport.evaluate(teacher: teacher.graph(), student: ViTGraphBuilder.build(trainer.student.description()),
                                       data: held, config: trainer.student.config, threads: 2).agreement ?? -1
        }
        let before = try agreement()
        var losses: [Double] = []
        let result = try trainer.train { losses.append($0.loss) }
        let after = try agreement()
        #expect(result.steps == 16 && losses.count == 16)
        let first = losses.prefix(4).reduce(0, +) / 4, last = losses.suffix(4).reduce(0, +) / 4
        #expect(last < 0.7 * first, "loss \(first) → \(last)")
        #expect(after > before + 0.02, "agreement \(before) → \(after)")
        #expect(result.activationBytes > 0 && result.peakRSS > 0)
    }

    @Test func resumeGivesTheSameResultAsAnUninterruptedRun() throws {
        let s = Self.settings(epochs: 2, batch: 16)
        let spec = StudentBuilder.Spec(depth: 2)
        let (full, _, _) = try Self.setup(samples: 48, settings: s, spec: spec)
        _ = try full.train()
        let (first, _, dir) = try Self.setup(samples: 48, settings: s, spec: spec)
        let ckpt = dir + "/run.ckpt"
        first.checkpointPath = ckpt
        first.checkpointEvery = 1
        first.stopAfter = 4
        _ = try first.train()
        #expect(first.optimizer.step == 4)
        let (second, _, _) = try Self.setup(samples: 48, settings: s, spec: spec)
        try second.resume(from: ckpt)
        #expect(second.optimizer.step == 4)
        let r = try second.train()
        #expect(r.steps == 2)
        #expect(second.student.parameters.values.bitwiseEqual(full.student.parameters.values))
        #expect(second.optimizer.m.bitwiseEqual(full.optimizer.m) && second.optimizer.v.bitwiseEqual(full.optimizer.v))
        // A checkpoint does not resume under other settings.
        var other = s
        other.lr = 1
        let (third, _, _) = try Self.setup(samples: 48, settings: other, spec: spec)
        #expect { try third.resume(from: ckpt) } throws: { e in
            guard case DistillError.checkpoint(_, let detail) = e else { return false }
            return detail.contains("lr 0.003 in the checkpoint, 1 now") && detail.contains("only --epochs may grow")
        }
        // More epochs extend the run: it resumes at step 4 and trains to the new total.
        var longer = s
        longer.epochs = 3
        let (fourth, _, _) = try Self.setup(samples: 48, settings: longer, spec: spec)
        try fourth.resume(from: ckpt)
        #expect(fourth.optimizer.step == 4)
        #expect(try fourth.train().steps == 5)
        // Fewer epochs than the checkpoint's run is refused, naming the setting.
        var shorter = s
        shorter.epochs = 1
        let (fifth, _, _) = try Self.setup(samples: 48, settings: shorter, spec: spec)
        #expect { try fifth.resume(from: ckpt) } throws: { e in "\(e)".contains("epochs 2 in the checkpoint, 1 now") }
    }

    @Test func tooFewSamplesForABatchIsAClearError() throws {
        #expect { try Self.setup(samples: 8, settings: Self.settings(epochs: 1, batch: 16), spec: .init(depth: 1)) } throws: { e in
            guard case DistillError.badData(_, let d) = e else { return false }
            return d.contains("fewer than one batch")
        }
    }

    @Test func teacherStudentResolutionMismatchIsRejected() throws {
        let tiny = try ModelLoader.load(Fixtures.sample("distill/tiny/model.safetensors"))   // 16×16 input
        let digits = try ModelLoader.load(Self.teacherPath)                                   // 32×32 student
        let dir = Fixtures.scratch("distill")
        let (xp, lp) = try Self.slice(32, dir: dir)
        let data = try Dataset.open(xp, labels: lp, config: digits.model.config)
        let student = try TrainableViT(StudentBuilder.build(teacher: digits.model, spec: .init(depth: 1), seed: 0).0, threads: 1)
        #expect { try DistillTrainer(student: student, teacher: Executor(graph: tiny.graph(), threads: 1), data: data, dataPath: xp,
                                     settings: Self.settings(epochs: 1, batch: 16)) } throws: { e in
            guard case DistillError.mismatch(let d) = e else { return false }
            return d.contains("16×16") && d.contains("32×32")
        }
        #expect(throws: DistillError.self) {
            try StudentBuilder.build(teacher: digits.model, spec: .init(architecture: "vit_tiny_patch16_224"), seed: 0)
        }
    }

    @Test func nonFiniteLossStopsWithTheLastCheckpointKept() throws {
        let dir = Fixtures.scratch("distill")
        let teacher = try ModelLoader.load(Self.teacherPath)
        let (student, _) = try StudentBuilder.build(teacher: teacher.model, spec: .init(depth: 1), seed: 0)
        // 32 good samples then 32 NaN ones, in a float array; no shuffling across the halves is guaranteed,
        // so train 1 epoch of the good half first, checkpoint, then switch to the poisoned data.
        let good = try Dataset.open(Self.slice(32, dir: dir).0, labels: nil, config: student.config)
        let nanX = Tensor(shape: [32, 3, 32, 32], floats: [Float](repeating: .nan, count: 32 * 3 * 32 * 32))
        try NpyArray.write(nanX, to: dir + "/nan.npy")
        let bad = try Dataset.open(dir + "/nan.npy", labels: nil, config: student.config)
        let model = try TrainableViT(student, threads: 1)
        var s = Self.settings(epochs: 2, batch: 16)
        s.augment = Augmenter(minScale: nil, flip: false)
        let exec = try Executor(graph: teacher.graph(), threads: 1)
        let t1 = try DistillTrainer(student: model, teacher: exec, data: good, dataPath: "good", settings: s)
        t1.checkpointPath = dir + "/last.ckpt"
        t1.stopAfter = 2
        _ = try t1.train()
        let saved = try Data(contentsOf: URL(fileURLWithPath: dir + "/last.ckpt"))
        let t2 = try DistillTrainer(student: model, teacher: exec, data: bad, dataPath: dir + "/nan.npy", settings: s)
        t2.checkpointPath = dir + "/last.ckpt"
        try t2.resume(from: dir + "/last.ckpt")
        #expect { _ = try t2.train() } throws: { e in
            guard case DistillError.nonFinite(let step, _, _) = e else { return false }
            return step == 3
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/last.ckpt")) == saved)
    }

    @Test func unreadableImagesAreReportedAndSkipped() throws {
        let dir = Fixtures.scratch("distill-folder")
        let fm = FileManager.default
        for label in ["0", "1"] {
            try fm.createDirectory(atPath: "\(dir)/\(label)", withIntermediateDirectories: true)
            for k in 0..<3 { try fm.copyItem(atPath: Fixtures.sample("digits/images/\(label)/\(k).png"), toPath: "\(dir)/\(label)/\(k).png") }
        }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: "\(dir)/0/notes.txt"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: URL(fileURLWithPath: "\(dir)/1/broken.png"))
        let teacher = try ModelLoader.load(Self.teacherPath)
        let (student, _) = try StudentBuilder.build(teacher: teacher.model, spec: .init(depth: 1), seed: 0)
        let data = try Dataset.open(dir, labels: nil, config: student.config)
        #expect(data.count == 7)  // the text file is skipped, the broken PNG is not detectable by its magic
        let trainer = try DistillTrainer(student: TrainableViT(student, threads: 1), teacher: Executor(graph: teacher.graph(), threads: 1),
                                         data: data, dataPath: dir, settings: Self.settings(epochs: 1, batch: 7))
        var warnings: [String] = []
        trainer.onWarning = { warnings.append($0) }
        let r = try trainer.train()
        #expect(r.steps == 1)
        #expect(r.skipped.count == 1 && warnings.count == 1 && warnings[0].contains("broken.png"), "\(warnings)")
    }
}
