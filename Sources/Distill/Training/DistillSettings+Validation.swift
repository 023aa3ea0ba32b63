/// Range checks of `DistillSettings`, in Float terms: the trainer computes in Float, so a value
/// that is finite as a Double but not as a Float (`--lr 1e39`), or rounds to zero, is refused.
extension DistillSettings {
    /// Bounds of the float settings, as (option, value, lower, upper, lower bound included).
    static let limits: (lr: ClosedRange<Double>, weightDecay: ClosedRange<Double>, temperature: ClosedRange<Double>,
                        clip: ClosedRange<Double>) = (1e-12...1, 0...10, 0.01...100, 0...1e6)

    /// - Throws: `DistillError.setting` naming the option: a learning rate outside 1e-12…1, a
    ///   minimum learning rate outside 0…1, weight decay outside 0…10, alpha outside 0…1, a temperature outside
    ///   0.01…100, a clip norm outside 0…1e6, a crop scale outside 0…1, steps or epochs beyond what
    ///   the step counter holds, or any value that is not a finite Float.
    public func validate(samples: Int? = nil) throws {
        func bad(_ s: String) -> DistillError { .setting(s) }
        func finite(_ v: Double, _ option: String) throws {
            guard v.isFinite, Float(v).isFinite else { throw bad("\(option) \(v) is not a finite 32-bit float") }
        }
        try finite(lr, "--lr"); try finite(minLR, "--min-lr"); try finite(weightDecay, "--weight-decay")
        try finite(loss.alpha, "--alpha"); try finite(loss.temperature, "--temperature")
        if let c = clipNorm { try finite(c, "--clip") }
        guard Self.limits.lr.contains(lr), Float(lr) > 0 else {
            throw bad("--lr \(lr) is outside \(Self.limits.lr.lowerBound)…\(Self.limits.lr.upperBound)")
        }
        guard minLR >= 0, minLR <= Self.limits.lr.upperBound else { throw bad("--min-lr \(minLR) is outside 0…\(Self.limits.lr.upperBound)") }
        guard Self.limits.weightDecay.contains(weightDecay) else {
            throw bad("--weight-decay \(weightDecay) is outside 0…\(Self.limits.weightDecay.upperBound)")
        }
        guard (0...1).contains(loss.alpha) else { throw bad("--alpha \(loss.alpha) is outside 0…1") }
        guard Self.limits.temperature.contains(loss.temperature) else {
            throw bad("--temperature \(loss.temperature) is outside \(Self.limits.temperature.lowerBound)…\(Self.limits.temperature.upperBound)")
        }
        if let c = clipNorm, !(c > 0 && c <= Self.limits.clip.upperBound) {
            throw bad("--clip \(c) must be 0 (off) or in (0, \(Self.limits.clip.upperBound)]")
        }
        if let s = augment.minScale, !(s > 0 && s < 1 && Float(s) > 0) { throw bad("--crop-scale \(s) must be 0 (off) or in (0, 1)") }
        guard epochs >= 1, epochs <= 1_000_000 else { throw bad("--epochs \(epochs) is outside 1…1000000") }
        guard batch >= 1 else { throw bad("--batch must be at least 1") }
        guard warmupSteps >= 0 else { throw bad("--warmup must not be negative") }
        if let n = samples {
            let (total, overflow) = epochs.multipliedReportingOverflow(by: stepsPerEpoch(n))
            guard !overflow, total <= Int(Int32.max) else { throw bad("--epochs \(epochs) × \(stepsPerEpoch(n)) steps is too many steps") }
        }
    }
}
