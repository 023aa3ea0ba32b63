import ArgumentParser

/// The ranges numeric options must fall in. Beyond them a value is a typo or an attack, not a
/// model: image sides past 16384 px, batches past 4096, a million classes. Inside them the limit is
/// memory, which the runtime checks before it allocates (a typed "out of memory" naming the tensor).
enum OptionBounds {
    static let imageSide = 1...16384
    static let patchSide = 1...1024
    static let threads = 1...1024
    static let batch = 1...4096
    static let runs = 1...100_000
    static let warmupRuns = 0...10_000
    static let classes = 0...1_000_000
    static let top = 1...1_000_000
    static let heads = 1...1024
    static let studentDim = 1...16384
    static let studentDepth = 1...256
    static let studentMLPRatio = 0.0...64.0
    static let epochs = 1...100_000
    static let gemmSide = 1...65536

    /// Throws a `ValidationError` naming `flag` and `range` unless `value` lies in it.
    static func check(_ value: Int?, _ flag: String, _ range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
    }
}
