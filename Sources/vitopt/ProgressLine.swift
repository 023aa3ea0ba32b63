import Foundation
import Formats

/// Progress of a long job on standard error: a bar redrawn in place on a terminal, or a plain line at
/// every tenth of the work otherwise (pipes, CI logs, `TERM=dumb`). No colour is ever used, so
/// `NO_COLOR` needs nothing; `TERM=dumb` also turns off the in-place redraw. Standard output is never
/// touched, so `--json` reports stay one clean object.
final class ProgressLine {
    private let label: String
    private let unit: String
    private let started = Date()
    private var drewBar = false
    private var lastTenth = -1
    private var completed = false
    private var lastDrawn = -1

    /// Whether the in-place bar may be drawn: standard error is a terminal that understands it.
    static var canRedraw: Bool {
        Console.isTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// - Parameter unit: what is counted, shown after the count ("MB", "runs"); empty for items.
    init(_ label: String, unit: String = "") {
        self.label = label
        self.unit = unit
    }

    /// `done` of `total` items are finished.
    func update(_ done: Int, of total: Int) {
        guard total > 0, !completed else { return }
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let count = "\(done)/\(total)" + (unit.isEmpty ? "" : " " + unit)
        let stats = "\(label) \(count)  \(TrainingProgress.clock(elapsed)) elapsed, ETA \(TrainingProgress.clock(eta))"
        if Self.canRedraw {
            guard done != lastDrawn else { return }  // nothing new to show
            lastDrawn = done
            let width = 24, filled = Int(Double(width) * Double(min(done, total)) / Double(total))
            Console.progress("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + stats)
            drewBar = true
        } else {
            let tenth = done * 10 / total
            if tenth > lastTenth { lastTenth = tenth; Console.note(stats) }
        }
        if done >= total { completed = true; finish() }
    }

    /// Ends the bar's line (nothing to do for plain lines).
    func finish() {
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
        drewBar = false
    }

    /// Wipes the bar from its line so other output can be printed there; the next `update` redraws it.
    func clear() {
        if drewBar { Console.progress("") }
        drewBar = false
        lastDrawn = -1
    }
}

extension ProgressLine {
    /// Models at least this large (tensor bytes) show progress while they are written (64 MiB:
    /// from ViT-S up; smaller ones are written in well under a second).
    static let writeThreshold = 64 << 20

    /// Runs `body`, which writes a model of `totalBytes` tensor bytes, with progress in MB as each
    /// tensor is written (`WriteProgress`) when the model is at least `writeThreshold`.
    static func writing<T>(_ label: String, totalBytes: Int, _ body: () throws -> T) rethrows -> T {
        guard totalBytes >= writeThreshold else { return try body() }
        let bar = ProgressLine(label, unit: "MB")
        let totalMB = max(1, totalBytes >> 20)
        defer { bar.finish() }
        return try WriteProgress.observing({ bar.update(min($0 >> 20, totalMB), of: totalMB) }, body)
    }
}
