import Graph

/// The one tolerance compare every numerical test uses.
public enum Tolerance {
    /// Largest |a − b| over all elements (shapes must match; returns +inf otherwise).
    public static func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        let x = a.floatArray(), y = b.floatArray()
        var m: Float = 0
        for i in x.indices {
            let d = abs(x[i] - y[i])
            if d.isNaN { return .infinity }
            m = max(m, d)
        }
        return m
    }

    /// Largest |x| of a tensor.
    public static func maxAbs(_ a: Tensor) -> Float { a.floatArray().reduce(0) { max($0, abs($1)) } }

    /// Whether `actual` is within `relative · max(1, max|expected|)` of `expected` everywhere —
    /// the "1e-4 max-abs relative to the logits' scale" contract.
    public static func close(_ actual: Tensor, _ expected: Tensor, relative: Float) -> Bool {
        maxAbsDiff(actual, expected) <= relative * max(1, maxAbs(expected))
    }

    /// The smallest cosine similarity between matching rows (the last axis) of `a` and `b`, in
    /// float64 (−inf when the shapes differ).
    public static func minRowCosine(_ a: Tensor, _ b: Tensor) -> Double {
        guard a.shape == b.shape, let n = a.shape.last, n > 0 else { return -.infinity }
        let x = a.floatArray(), y = b.floatArray()
        var worst = 1.0
        for r in 0..<(x.count / n) {
            var dot = 0.0, nx = 0.0, ny = 0.0
            for i in (r * n)..<((r + 1) * n) { dot += Double(x[i]) * Double(y[i]); nx += Double(x[i]) * Double(x[i]); ny += Double(y[i]) * Double(y[i]) }
            worst = min(worst, nx == 0 && ny == 0 ? 1 : dot / (nx * ny).squareRoot())
        }
        return worst
    }
}
