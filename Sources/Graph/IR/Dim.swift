/// One dimension of a value's shape: a fixed size or a named symbol (the dynamic batch `N`).
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    case fixed(Int)
    case symbol(String)

    /// The dynamic batch dimension every ViT graph uses.
    public static let batch = Dim.symbol("N")

    public var description: String {
        switch self {
        case .fixed(let n): return String(n)
        case .symbol(let s): return s
        }
    }

    /// The size when fixed.
    public var value: Int? {
        if case .fixed(let n) = self { return n }
        return nil
    }
}

extension Array where Element == Dim {
    /// `[N,197,768]`-style rendering.
    public var shapeDescription: String { "[" + map(\.description).joined(separator: ",") + "]" }

    /// Concrete shape once the symbols are bound.
    public func resolved(_ bindings: [String: Int]) -> [Int]? {
        var out: [Int] = []
        for d in self {
            switch d {
            case .fixed(let n): out.append(n)
            case .symbol(let s):
                guard let n = bindings[s] else { return nil }
                out.append(n)
            }
        }
        return out
    }
}
