#if canImport(Glibc)
import Glibc
#endif

/// Linear warmup then cosine decay: for step `s` (0-based) of `total`,
/// `lr(s) = base·(s+1)/warmup` while `s < warmup`, then `minLR + (base − minLR)·½(1 + cos(π·(s − warmup)/(total − warmup)))`.
public struct LRSchedule: Sendable, Equatable, Codable {
    public var base: Double
    public var warmup: Int
    public var total: Int
    public var minLR: Double

    public init(base: Double, warmup: Int, total: Int, minLR: Double = 0) {
        self.base = base
        self.warmup = max(0, warmup)
        self.total = max(1, total)
        self.minLR = minLR
    }

    public func lr(at step: Int) -> Double {
        if step < warmup { return base * Double(step + 1) / Double(warmup) }
        let span = max(1, total - warmup)
        let t = min(1, Double(step - warmup) / Double(span))
        return minLR + (base - minLR) * 0.5 * (1 + cos(Double.pi * t))
    }
}
