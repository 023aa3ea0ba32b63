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
}
