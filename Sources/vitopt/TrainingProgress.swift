import Distill
import Foundation
import Formats

/// Renders training steps: a progress bar on a terminal, a plain line every ~5% otherwise, and
/// every step to the JSON-lines log when there is one.
final class TrainingProgress {
    private let log: TrainingLog?
    private var drewBar = false

    init(log: TrainingLog?) { self.log = log }

    func step(_ s: DistillTrainer.StepLog) {
        log?.append(s)
        let eta = s.step > 0 ? s.elapsed / Double(s.step) * Double(s.totalSteps - s.step) : 0
        let stats = String(format: "epoch %d  step %d/%d  loss %.4f  %.0f img/s  ETA %@", s.epoch, s.step, s.totalSteps, s.loss,
                           s.imagesPerSecond, Self.clock(eta))
        if Console.isTerminal {
            let width = 24, done = Int(Double(width) * Double(s.step) / Double(max(1, s.totalSteps)))
            Console.progress("[" + String(repeating: "#", count: done) + String(repeating: ".", count: width - done) + "] " + stats)
            drewBar = true
        } else if s.step == s.totalSteps || s.step % max(1, s.totalSteps / 20) == 0 {
            Console.note(stats)
        }
    }

    /// An end-of-epoch evaluation: one line (below the bar on a terminal) and a `"kind": "eval"` log line.
    func eval(_ r: EpochEvaluator.Result) {
        log?.append(r)
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a" }
        finish()
        Console.note("epoch \(r.epoch) eval (\(r.samples) samples): student top-1 \(pct(r.studentTop1)), teacher \(pct(r.teacherTop1)), agreement \(pct(r.agreement))")
    }

    func finish() {
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
        drewBar = false
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
