/// Products of a fixed factor and one symbolic dimension (`4·N`, from reshaping the batch into
/// another axis), spelled as `Dim.symbol("4·N")` so that shapes stay `[Dim]`.
enum DimAlgebra {
    /// (factor, base symbol) of `d`; the symbol is `nil` for a fixed dimension.
    static func split(_ d: Dim) -> (Int, String?) {
        switch d {
        case .fixed(let v): return (v, nil)
        case .symbol(let s):
            if let dot = s.firstIndex(of: "·"), let k = Int(s[..<dot]) { return (k, String(s[s.index(after: dot)...])) }
            return (1, s)
        }
    }

    static func make(_ factor: Int, _ symbol: String?) -> Dim {
        guard let s = symbol else { return .fixed(factor) }
        return factor == 1 ? .symbol(s) : .symbol("\(factor)·\(s)")
    }

    /// The product of `dims`, or `nil` when it has two symbols, a negative factor, or a fixed part
    /// that overflows `Int` (a shape from a file can be anything; the caller reports the node).
    static func product(_ dims: [Dim]) -> Dim? {
        var k = 1
        var symbol: String?
        for d in dims {
            let (f, s) = split(d)
            guard f >= 0 else { return nil }
            let (p, overflow) = k.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            k = p
            if let s {
                if symbol != nil { return nil }
                symbol = s
            }
        }
        return make(k, symbol)
    }
}
