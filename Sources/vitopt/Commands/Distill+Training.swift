import Distill
import Formats

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
}
