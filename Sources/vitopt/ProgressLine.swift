import Foundation

/// Progress of a long job on standard error: a bar redrawn in place on a terminal, or a plain line at
/// every tenth of the work otherwise (pipes, CI logs, `TERM=dumb`). No colour is ever used, so
/// `NO_COLOR` needs nothing; `TERM=dumb` also turns off the in-place redraw.
final class ProgressLine {
    private let label: String
    private let started = Date()
    private var drewBar = false
    private var lastTenth = -1

    /// Whether the in-place bar may be drawn: standard error is a terminal that understands it.
    static var canRedraw: Bool {
        Console.isTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    init(_ label: String) { self.label = label }

    /// `done` of `total` items are finished.
    func update(_ done: Int, of total: Int) {
        guard total > 0 else { return }
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let stats = "\(label) \(done)/\(total)  \(TrainingProgress.clock(elapsed)) elapsed, ETA \(TrainingProgress.clock(eta))"
        if Self.canRedraw {
            let width = 24, filled = Int(Double(width) * Double(done) / Double(total))
            Console.progress("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + stats)
            drewBar = true
        } else {
            let tenth = done * 10 / total
            if tenth > lastTenth { lastTenth = tenth; Console.note(stats) }
        }
        if done == total { finish() }
    }

    /// Ends the bar's line (nothing to do for plain lines).
    func finish() {
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
        drewBar = false
    }
}
