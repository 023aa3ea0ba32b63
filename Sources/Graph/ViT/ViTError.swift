/// Errors about a ViT's weights or config. Each names the tensor or setting at fault.
public enum ViTError: Error, Equatable, CustomStringConvertible {
    case missingTensor(String)
    case tensorShape(tensor: String, expected: [Int], got: [Int])
    case tensorDType(tensor: String, got: DType)
    case invalidConfig(String)

    public var description: String {
        switch self {
        case .missingTensor(let t): return "missing tensor '\(t)'"
        case .tensorShape(let t, let e, let g): return "tensor '\(t)': expected shape \(e), found \(g)"
        case .tensorDType(let t, let g): return "tensor '\(t)': dtype \(g.rawValue) is not a floating-point type"
        case .invalidConfig(let s): return "invalid ViT config: \(s)"
        }
    }
}
