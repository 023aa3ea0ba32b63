import Graph

/// An output compared with a reference output (a golden written by PyTorch, ONNX Runtime, …), as
/// `vitopt run --expect` reports it.
///
/// Contract: both are read as float32; `maxDifference` is max |y − golden| over all elements and
/// `scale` is max(1, max |golden|); the check passes when `maxDifference ≤ tolerance · scale`, the
/// measure every parity figure in the docs uses. A NaN in either fails the check.
public struct OutputCheck: Sendable, CustomStringConvertible {
    public let maxDifference: Float
    public let scale: Float
    public let tolerance: Float

    public var passes: Bool { maxDifference.isFinite && maxDifference <= tolerance * scale }

    /// Compares `y` with `golden`.
    /// - Throws: `FormatError.tensor` naming `goldenPath` when the shapes differ.
    public init(_ y: Tensor, golden: Tensor, goldenPath: String, tolerance: Float) throws {
        guard y.shape == golden.shape else {
            throw FormatError.tensor(path: goldenPath, tensor: "golden", detail: "shape \(golden.shape), but the output is \(y.shape)")
        }
        let a = y.floatArray(), b = golden.floatArray()
        var worst: Float = 0, top: Float = 1
        for (u, v) in zip(a, b) {
            let d = abs(u - v)
            if d.isNaN { worst = .nan; break }
            worst = max(worst, d)
            top = max(top, abs(v))
        }
        maxDifference = worst
        scale = top
        self.tolerance = tolerance
    }

    public var description: String {
        let relative = maxDifference / scale
        return "max |difference| \(Self.format(maxDifference)) (\(Self.format(relative)) of the scale \(Self.format(scale))); tolerance \(Self.format(tolerance)) of the scale: \(passes ? "within" : "EXCEEDED")"
    }

    static func format(_ v: Float) -> String {
        guard v.isFinite else { return "\(v)" }
        return v == 0 ? "0" : String(format: "%.3g", Double(v))
    }
}
