/// How activations are quantized at run time (the `activations` attribute of int8 nodes).
public enum ActivationScheme: String, CaseIterable, Sendable {
    /// One scale and zero point per token (row): vitopt's default, the most accurate.
    case perToken = "per-token"
    /// One scale and zero point per matrix, as ONNX Runtime's and PyTorch's dynamic quantization.
    case perTensor = "per-tensor"
}
