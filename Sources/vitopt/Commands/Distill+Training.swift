import Distill
import Formats
import Foundation
import Graph

extension DistillCommand {
    /// The training loop every student shares: progress lines and the `--log` file (appended to on `--resume`),
    /// Ctrl-C (the checkpoint named, the student not saved, the process ended by the signal), a warning when the
    /// log could not be written completely, and the `--profile` phase table.
    func runTraining<S: TrainableStudent>(_ trainer: StudentTrainer<S>) throws -> DistillResult {
        // Opened last of all checks; a resumed run appends to its log.
        let trainingLog = try log.map { try TrainingLog(path: $0, append: resume != nil) }
        let progress = TrainingProgress(log: trainingLog)
        trainer.onEpoch = { progress.eval($0) }
        let result: DistillResult
        do {
            result = try trainer.train { progress.step($0) }
        } catch DistillError.interrupted(let sig, let step, let saved) {
            progress.finish()
            Console.note("\(DistillError.interrupted(signal: sig, step: step, checkpoint: saved)); the student was not saved")
            Interrupts.terminate(sig)
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        if let e = trainingLog?.writeError { Console.warn("the log could not be written completely: \(e)") }
        if profile { Console.note("time per phase over \(result.steps) steps:\n" + trainer.student.profile.table(steps: result.steps)) }
        return result
    }

    /// After the student is saved: the one-line training summary, then the report comparing teacher and student on
    /// `data` (`--eval`, else the training data), as text or `--json`.
    func printReport(_ result: DistillResult, savedBytes: Int, teacher: ModelGraph, teacherFileSize: Int, student: ModelGraph,
                     data: Dataset, config: ViTConfig) throws {
        Console.note(String(format: "trained %d steps at %.1f images/s; activations %.1f MB, peak RSS %.1f MB; saved %@",
                            result.steps, result.imagesPerSecond, Double(result.activationBytes) / 1e6, Double(result.peakRSS) / 1e6, out))
        var report = try DistillReport.evaluate(teacher: teacher, student: student, data: data, config: config, threads: threads.count,
                                                latencyRuns: latencyRuns)
        report.teacherFileSize = teacherFileSize
        report.studentFileSize = savedBytes
        report.trainImagesPerSecond = result.imagesPerSecond
        report.activationBytes = result.activationBytes
        report.trainPeakRSS = result.peakRSS
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            if eval == nil { print("(no --eval set: the report is on the training data)") }
            print(report.text)
        }
    }

    /// `--training` settings for this teacher and data: a headless teacher (`features` names what it outputs) is
    /// distilled by cosine on its features and labels are unused; without labels, alpha becomes 1.
    func distillSettings(headless: Bool, features: String, dataset: Dataset) -> DistillSettings {
        var settings = training.settings
        if headless {
            if dataset.labels != nil { Console.note("the teacher has no classifier head: labels are not used (feature distillation)") }
            settings.loss = DistillLoss(kind: .cosine, alpha: 1, temperature: settings.loss.temperature)
            Console.note("the teacher has no classifier head: feature distillation of its \(features) (1 − cosine)")
        } else if dataset.labels == nil && settings.loss.alpha < 1 {
            Console.note("no labels for \(data): alpha = 1 (pure distillation)")
            settings.loss.alpha = 1
        }
        return settings
    }
}
