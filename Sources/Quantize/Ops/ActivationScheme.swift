/// How activations are quantized at run time (the `activations` attribute of int8 nodes).
public enum ActivationScheme: String, CaseIterable, Sendable {
    /// One scale and zero point per token (row): vitopt's default, the most accurate.
    case perToken = "per-token"
    /// One scale and zero point per matrix, as ONNX Runtime's and PyTorch's dynamic quantization.
    case perTensor = "per-tensor"
    /// One fixed scale and zero point per layer input, measured on calibration data (static int8, as
    /// ONNX Runtime's `quantize_static` and NNCF): the node carries them as `input_scale` and
    /// `input_zero_point` (see `StaticActivation`).
    case calibrated = "static"
}
