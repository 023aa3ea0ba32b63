/// Errors reading or writing checkpoint and data files. Every case names the file, and the tensor
/// when one is at fault, and says what was expected.
public enum FormatError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case io(path: String, detail: String)
    /// The file is not in the format it was opened as (or any format vitopt reads).
    case notRecognized(path: String, detail: String)
    /// The file is of the right kind but its structure is broken (header, offsets, truncation).
    case corrupt(path: String, detail: String)
    case tensor(path: String, tensor: String, detail: String)
    /// Tensor names matched no known naming convention.
    case unknownConvention(path: String, detail: String)
    /// A model part cannot be written under the chosen naming convention.
    case cannotExpress(convention: String, detail: String)
    case config(path: String, detail: String)
    case unsupported(path: String, detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .io(let p, let d): return "\(p): \(d)"
        case .notRecognized(let p, let d): return "\(p): not a recognised model file: \(d)"
        case .corrupt(let p, let d): return "\(p): corrupt file: \(d)"
        case .tensor(let p, let t, let d): return "\(p): tensor '\(t)': \(d)"
        case .unknownConvention(let p, let d): return "\(p): unknown naming convention: \(d)"
        case .cannotExpress(let c, let d): return "naming '\(c)' cannot express \(d)"
        case .config(let p, let d): return "\(p): config: \(d)"
        case .unsupported(let p, let d): return "\(p): unsupported: \(d)"
        }
    }
}
