/// One element of a shape-computing value during folding: a known integer, or `coefficient ×`
/// a symbolic dimension (the dynamic batch) that is only known at run time.
enum SymbolicInt: Hashable, CustomStringConvertible {
    case known(Int)
    case symbol(String, Int)

    var description: String {
        switch self {
        case .known(let v): return String(v)
        case .symbol(let s, let k): return k == 1 ? s : "\(k)·\(s)"
        }
    }

    var value: Int? { if case .known(let v) = self { return v }; return nil }

    init(_ d: Dim) {
        switch d {
        case .fixed(let v): self = .known(v)
        case .symbol:
            let (k, s) = DimAlgebra.split(d)
            self = .symbol(s!, k)
        }
    }

    /// The result of an ONNX integer binary op, or `nil` when it cannot be expressed.
    static func apply(_ op: String, _ a: SymbolicInt, _ b: SymbolicInt) -> SymbolicInt? {
        switch (op, a, b) {
        case (_, .known(let x), .known(let y)):
            switch op {
            case "Add": return .known(x + y)
            case "Sub": return .known(x - y)
            case "Mul": return .known(x * y)
            case "Div": return y == 0 ? nil : .known(x / y)
            case "Equal": return .known(x == y ? 1 : 0)
            default: return nil
            }
        case ("Mul", .symbol(let s, let k), .known(let y)), ("Mul", .known(let y), .symbol(let s, let k)):
            return y == 0 ? .known(0) : .symbol(s, k * y)
        case ("Div", .symbol(let s, let k), .known(let y)):
            return y != 0 && k % y == 0 ? .symbol(s, k / y) : nil
        case ("Add", .symbol, .known(0)), ("Sub", .symbol, .known(0)): return a
        case ("Add", .known(0), .symbol): return b
        case ("Equal", .symbol(_, let k), .known(let y)), ("Equal", .known(let y), .symbol(_, let k)):
            // A dimension is at least 1, so k·N (k ≥ 1) never equals a value below k.
            return k >= 1 && y < k ? .known(0) : nil
        case ("Equal", .symbol(let s, let k), .symbol(let t, let j)):
            return s == t && k == j ? .known(1) : nil
        default:
            return nil
        }
    }
}
