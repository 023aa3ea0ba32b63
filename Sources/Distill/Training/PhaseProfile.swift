import Dispatch

/// Wall time per training phase (data, teacher, forward, backward ops, optimizer), accumulated over
/// steps when enabled — an internal tool behind `vitopt distill --profile`. Disabled, `measure` is a
/// direct call (one branch, no clock read).
public final class PhaseProfile {
    public var enabled = false
    /// Seconds per phase, and the order phases were first seen in (for printing).
    public private(set) var seconds: [String: Double] = [:]
    public private(set) var order: [String] = []

    public init(enabled: Bool = false) { self.enabled = enabled }

    @inline(__always)
    func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if seconds[phase] == nil { order.append(phase) }
        seconds[phase, default: 0] += dt
        return r
    }

    /// One line per phase: total ms, ms per step and share of the total, for `steps` steps.
    public func table(steps: Int) -> String {
        let total = order.filter { !$0.contains(".") }.reduce(0) { $0 + seconds[$1]! }
        return order.map { name in
            let s = seconds[name]!
            let label = name.contains(".") ? "  " + name : name
            return label.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(format: "%9.1f ms %8.2f ms/step %6.1f%%", s * 1e3, s * 1e3 / Double(max(1, steps)), total > 0 ? s / total * 100 : 0)
        }.joined(separator: "\n")
    }
}
