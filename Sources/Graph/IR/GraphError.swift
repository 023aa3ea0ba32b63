/// Errors raised while building, validating or running a graph. Each names the node or value at fault.
public enum GraphError: Error, Equatable, CustomStringConvertible {
    case unknownOp(node: String, op: String)
    case undefinedValue(node: String, value: String)
    case duplicateValue(value: String)
    case cycle(nodes: [String])
    case arity(node: String, op: String, expected: String, got: Int)
    case shapeMismatch(node: String, detail: String)
    case missingAttribute(node: String, name: String)
    case badInput(name: String, detail: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .unknownOp(let n, let op): return "node '\(n)': unknown op '\(op)'"
        case .undefinedValue(let n, let v): return "node '\(n)': input '\(v)' is not defined by any node, input or initializer"
        case .duplicateValue(let v): return "value '\(v)' is produced more than once"
        case .cycle(let nodes): return "the graph has a cycle through: \(nodes.joined(separator: ", "))"
        case .arity(let n, let op, let e, let g): return "node '\(n)' (\(op)): expected \(e) inputs, got \(g)"
        case .shapeMismatch(let n, let d): return "node '\(n)': \(d)"
        case .missingAttribute(let n, let a): return "node '\(n)': missing attribute '\(a)'"
        case .badInput(let name, let d): return "input '\(name)': \(d)"
        case .unsupported(let s): return s
        }
    }
}
