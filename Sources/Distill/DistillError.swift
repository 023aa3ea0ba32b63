/// Errors of the training engine and the distillation run. Each names the file, tensor or setting at fault.
public enum DistillError: Error, Equatable, CustomStringConvertible {
    /// The student (or teacher) uses an architecture feature the trainer has no backward pass for.
    case unsupported(String)
    /// A student setting is inconsistent (depth, width, heads).
    case invalidStudent(String)
    /// Teacher and student disagree on input size or classes.
    case mismatch(String)
    /// The dataset cannot be trained on (empty, too small for a batch, bad labels).
    case badData(path: String, detail: String)
    /// The loss or a gradient became NaN/inf; `checkpoint` is the last good one, when any was written.
    case nonFinite(step: Int, detail: String, checkpoint: String?)
    /// A checkpoint cannot be resumed (wrong file, different model or settings).
    case checkpoint(path: String, detail: String)
    /// A training setting is out of range (named with its option, e.g. `--lr`).
    case setting(String)
    /// SIGINT/SIGTERM stopped training after step `step`; `checkpoint` holds it, when one was written.
    case interrupted(signal: Int32, step: Int, checkpoint: String?)

    public var description: String {
        switch self {
        case .unsupported(let s): return "unsupported for training: \(s)"
        case .invalidStudent(let s): return "invalid student: \(s)"
        case .mismatch(let s): return "teacher/student mismatch: \(s)"
        case .badData(let p, let d): return "\(p): \(d)"
        case .nonFinite(let step, let d, let c):
            return "non-finite \(d) at step \(step); stopped" + (c.map { ", last good checkpoint kept at \($0)" } ?? " (no checkpoint had been written)")
        case .checkpoint(let p, let d): return "\(p): checkpoint: \(d)"
        case .setting(let s): return "invalid setting: \(s)"
        case .interrupted(let sig, let step, let c):
            return "interrupted by \(sig == 15 ? "SIGTERM" : "SIGINT") after step \(step)"
                + (c.map { "; checkpoint saved to \($0) (continue with --resume \($0))" } ?? " (no checkpoint written)")
        }
    }
}
