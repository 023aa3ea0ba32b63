import Dispatch
import Foundation
import Formats
import Graph

/// The distillation loop: batches from a `Dataset`, the same augmented view to teacher and student,
/// teacher logits on the fly, the loss, backward, global-norm clipping, AdamW on a warmup+cosine
/// schedule, checkpoints, and a log line per step.
///
/// Reproducible: the sample order of epoch e comes from `SeededGenerator(seed, e)` and the
/// augmentation of step s from `SeededGenerator(seed, s)`, so a run resumed from a checkpoint at any
/// step boundary continues exactly as the uninterrupted run would.
///
/// The teacher is a `DistillTeacher`: any `Executor` whose graph maps `pixel_values` to logits (an
/// int8-quantized graph drops in unchanged), or a fp32 ViT on the training engine's own forward.
/// With `loss.alpha == 0` it is not run at all.
public final class StudentTrainer<Student: TrainableStudent> {
    public typealias StepLog = DistillStepLog
    public typealias Result = DistillResult

    public let student: Student
    public let optimizer: AdamW
    public let settings: DistillSettings
    let teacher: DistillTeacher?
    let data: Dataset
    let dataConfig: ViTConfig
    let dataPath: String
    /// Where checkpoints go (nil: none), and every how many steps (0: at each epoch's end).
    public var checkpointPath: String?
    public var checkpointEvery = 0
    /// Called with warnings (unreadable samples).
    public var onWarning: (String) -> Void = { _ in }
    /// Evaluates the student at the end of every epoch (`--eval`), reported through `onEpoch`.
    public var evaluator: EpochEvaluator?
    public var onEpoch: (EpochEvaluator.Result) -> Void = { _ in }
    /// Stop after this many steps of this invocation (tests interrupt a run this way); nil: run to the end.
    public var stopAfter: Int?
    private var skipped: [String] = []
    private var bad = Set<Int>()
    private var lastCheckpoint: String?

    /// - Parameters:
    ///   - dataConfig: the config used to load samples (the student's input size and preprocessing).
    /// - Throws: `DistillError` for an empty or too-small dataset, a setting out of range
    ///   (`DistillSettings.validate`) or a teacher/student mismatch.
    public convenience init(student: Student, teacher: Executor?, data: Dataset, dataPath: String, settings: DistillSettings) throws {
        try self.init(student: student, teacher: teacher.map(DistillTeacher.graph), data: data, dataPath: dataPath, settings: settings)
    }

    public init(student: Student, teacher: DistillTeacher?, data: Dataset, dataPath: String, settings: DistillSettings) throws {
        let c = student.inputConfig, classes = student.classes
        try settings.validate(samples: data.count)
        guard data.count > 0 else { throw DistillError.badData(path: dataPath, detail: "the dataset is empty") }
        guard settings.batch >= 1, data.count >= settings.batch else {
            throw DistillError.badData(path: dataPath, detail: "\(data.count) samples are fewer than one batch of \(settings.batch)")
        }
        let headless = classes == 0
        guard headless == (settings.loss.kind == .cosine) else {
            throw DistillError.mismatch(headless
                ? "the student has no classifier head (its output is \(student.outputKind)): only feature distillation (the cosine objective) trains it"
                : "the cosine objective is for students without a classifier head; this one has \(classes) classes")
        }
        if headless && settings.loss.alpha != 1 {
            throw DistillError.setting("feature distillation has no label term: --alpha must be 1, got \(settings.loss.alpha)")
        }
        if !headless, let labels = data.labels, let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw DistillError.badData(path: dataPath, detail: "label \(bad) outside the student's \(classes) classes")
        }
        if data.labels == nil && settings.loss.alpha == 0 {
            throw DistillError.badData(path: dataPath, detail: "no labels and --alpha 0: nothing to learn from")
        }
        if settings.loss.alpha > 0 {
            guard let teacher else { throw DistillError.mismatch("a loss with alpha > 0 needs a teacher") }
            let want = [c.channels, c.imageSize[0], c.imageSize[1]]
            let have = teacher.imageShape
            guard have == want else {
                throw DistillError.mismatch("the teacher takes \(have.map(String.init).joined(separator: "×")) inputs, the student \(want.map(String.init).joined(separator: "×")); resample one of them first")
            }
        }
        self.student = student
        self.teacher = settings.loss.alpha > 0 ? teacher : nil
        self.data = data
        self.dataConfig = c
        self.dataPath = dataPath
        self.settings = settings
        self.optimizer = AdamW(student.trainableParameters, weightDecay: Float(settings.weightDecay))
    }

    public var totalSteps: Int { settings.epochs * settings.stepsPerEpoch(data.count) }

    /// Restores parameters, moments and the step from a checkpoint.
    /// - Throws: `DistillError.checkpoint` for a checkpoint of another run, or one holding NaN/inf.
    public func resume(from path: String) throws {
        try TrainingCheckpoint.restore(path, model: student, optimizer: optimizer, settings: settings)
        if let bad = FiniteCheck.firstNonFinite(student.trainableParameters, optimizer) {
            throw DistillError.checkpoint(path: path, detail: "holds non-finite values (\(bad)); resume from an earlier checkpoint")
        }
        lastCheckpoint = path
    }

    /// Trains from the current step to the end (or `stopAfter` steps), then checks that every
    /// parameter is finite. SIGINT/SIGTERM (see `Interrupts`) stops it after the current step: the
    /// checkpoint is written (when `checkpointPath` is set) and `DistillError.interrupted` thrown.
    /// - Throws: `DistillError.nonFinite` when the loss, the gradient norm or a parameter becomes
    ///   NaN/inf — checked before every checkpoint, so a checkpoint is never replaced by a
    ///   non-finite one (the last good one stays); `.interrupted`; data and teacher errors.
    public func train(onStep: (StepLog) -> Void = { _ in }) throws -> Result {
        try Interrupts.deferringToRequest { try trainSteps(onStep: onStep) }
    }

    /// Throws `DistillError.nonFinite` naming the first parameter (or moment) that is NaN/inf.
    private func requireFinite(step: Int) throws {
        if let bad = FiniteCheck.firstNonFinite(student.trainableParameters, optimizer) {
            throw DistillError.nonFinite(step: step, detail: "parameters (\(bad))", checkpoint: lastCheckpoint)
        }
    }

    /// Writes the checkpoint after `step`, when parameters and moments are all finite.
    private func saveCheckpoint(to path: String, step: Int) throws {
        try requireFinite(step: step)
        try TrainingCheckpoint.write(model: student, optimizer: optimizer, settings: settings, to: path)
        lastCheckpoint = path
    }

    private func trainSteps(onStep: (StepLog) -> Void) throws -> Result {
        let s = settings, c = dataConfig, spe = s.stepsPerEpoch(data.count), total = totalSteps
        let schedule = LRSchedule(base: s.lr, warmup: s.warmupSteps, total: total, minLR: s.minLR)
        let batch = Tensor(zeros: .f32, shape: [s.batch, c.channels, c.imageSize[0], c.imageSize[1]])
        let width = student.outputWidth, classes = student.classes
        let dL = Tensor(zeros: .f32, shape: [s.batch, width])
        let dD = student.hasDistillationHead ? Tensor(zeros: .f32, shape: [s.batch, classes]) : nil
        let zeroTeacher = Tensor(zeros: .f32, shape: [s.batch, width])
        var order: [Int] = [], orderEpoch = -1
        var result = Result(steps: 0, imagesPerSecond: 0, peakRSS: 0, activationBytes: 0, skipped: [])
        let start = DispatchTime.now().uptimeNanoseconds
        var trainSeconds = 0.0
        var step = optimizer.step
        let prof = student.profile
        while step < total {
            if let stop = stopAfter, result.steps >= stop { break }
            let epoch = step / spe, within = step % spe
            if epoch != orderEpoch { order = Self.permutation(data.count, seed: s.seed, epoch: epoch); orderEpoch = epoch }
            let t0 = DispatchTime.now().uptimeNanoseconds
            var labels: [Int]? = data.labels == nil ? nil : []
            try prof.measure("data") {
                for (slot, i) in order[(within * s.batch)..<((within + 1) * s.batch)].enumerated() {
                    let used = try load(i, into: batch, slot: slot)
                    labels?.append(data.labels![used])
                }
                var rng = SeededGenerator(seed: s.seed &* 0x9E37_79B9 &+ UInt64(step) &* 0x2545_F491_4F6C_DD1D &+ 1)
                s.augment.apply(batch, rng: &rng)
            }
            let teacherLogits: Tensor
            if let teacher {
                teacherLogits = try prof.measure("teacher") { try teacher.logits(batch) }
                guard teacherLogits.shape == [s.batch, width] else {
                    throw DistillError.mismatch(classes > 0
                        ? "the teacher gives logits \(teacherLogits.shape), the student has \(classes) classes"
                        : "the teacher gives \(teacherLogits.shape), the student's \(student.outputKind) are \(width) wide")
                }
            } else {
                teacherLogits = zeroTeacher
            }
            let out = try prof.measure("forward") { try student.forward(batch) }
            let value = prof.measure("loss") {
                s.loss.evaluate(student: out.logits, distLogits: out.distLogits, teacher: teacherLogits, labels: labels,
                                dLogits: dL, dDistLogits: dD)
            }
            guard value.total.isFinite else {
                throw DistillError.nonFinite(step: step + 1, detail: "loss (\(value.total))", checkpoint: lastCheckpoint)
            }
            prof.measure("backward") {
                student.trainableParameters.zeroGradients()
                student.backward(dLogits: dL, dDistLogits: dD)
            }
            let norm = prof.measure("clip") { GradientClip.clip(student.trainableParameters, maxNorm: s.clipNorm.map(Float.init)) }
            guard norm.isFinite else {
                throw DistillError.nonFinite(step: step + 1, detail: "gradient norm (\(norm))", checkpoint: lastCheckpoint)
            }
            let lr = schedule.lr(at: step)
            prof.measure("adamw") { optimizer.update(lr: Float(lr), context: student.context) }
            step += 1
            result.steps += 1
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            trainSeconds += dt
            if result.firstLoss == nil { result.firstLoss = value.total }
            result.lastLoss = value.total
            onStep(StepLog(epoch: epoch + 1, step: step, totalSteps: total, loss: value.total, ce: value.ce, distill: value.distill,
                           lr: lr, gradNorm: norm, imagesPerSecond: Double(s.batch) / dt,
                           elapsed: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, peakRSS: LatencyBenchmark.peakRSS()))
            let epochEnd = step % spe == 0 || step == total
            if epochEnd, let evaluator { onEpoch(try prof.measure("eval") { try evaluator.evaluate(student, epoch: epoch + 1, step: step) }) }
            let due = (checkpointEvery > 0 ? step % checkpointEvery == 0 : epochEnd) || step == total
            if let path = checkpointPath, due {
                try saveCheckpoint(to: path, step: step)
            }
            if let sig = Interrupts.request {
                var saved: String?
                if let path = checkpointPath {
                    if !due { try saveCheckpoint(to: path, step: step) }
                    saved = path
                }
                throw DistillError.interrupted(signal: sig, step: step, checkpoint: saved)
            }
        }
        try requireFinite(step: step)
        result.imagesPerSecond = trainSeconds > 0 ? Double(result.steps * s.batch) / trainSeconds : 0
        result.peakRSS = LatencyBenchmark.peakRSS()
        result.activationBytes = student.activationBytes
        result.skipped = skipped
        return result
    }

    /// Copies sample `i` (or, when it cannot be read, the next readable one) into `slot` of `batch`.
    /// - Returns: the index actually used.
    private func load(_ i: Int, into batch: Tensor, slot: Int) throws -> Int {
        let per = batch.count / batch.shape[0]
        var j = i
        for _ in 0..<data.count {
            if !bad.contains(j) {
                do {
                    let x = try data.batch(j..<(j + 1), config: dataConfig).asF32()
                    guard x.count == per else {
                        throw DistillError.badData(path: dataPath, detail: "sample \(j) has shape \(x.shape), expected \(Array(batch.shape.dropFirst()))")
                    }
                    (batch.mutableFloats + slot * per).update(from: x.floats, count: per)
                    return j
                } catch let e as DistillError {
                    throw e
                } catch {
                    bad.insert(j)
                    skipped.append("\(error)")
                    onWarning("skipping unreadable sample: \(error)")
                }
            }
            j = (j + 1) % data.count
        }
        throw DistillError.badData(path: dataPath, detail: "no sample could be read")
    }

    /// Fisher–Yates shuffle of `0..<n` from `(seed, epoch)`.
    static func permutation(_ n: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SeededGenerator(seed: seed &+ UInt64(epoch + 1) &* 0xD1B5_4A32_D192_ED03)
        var p = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            p.swapAt(i, j)
        }
        return p
    }
}

/// The distillation loop for a ViT student (the original name).
public typealias DistillTrainer = StudentTrainer<TrainableViT>
