/// The floating-point types a model's parameters can be stored in (`convert --dtype`).
public enum ParameterDType: String, CaseIterable, Sendable {
    case f32, f16, bf16

    public var dtype: DType {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        }
    }
}
