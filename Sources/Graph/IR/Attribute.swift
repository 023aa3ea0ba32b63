/// A node attribute value.
public enum Attribute: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Float)
    case ints([Int])
    case floats([Float])
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return String(v)
        case .ints(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
        case .floats(let v): return "[" + v.map { String($0) }.joined(separator: ",") + "]"
        case .string(let s): return "\"\(s)\""
        }
    }
}
