/// The arithmetic of the executor's Linear layers (everything else always runs in fp32).
public enum Precision: String, CaseIterable, Sendable {
    /// fp32 operands and accumulation (`FloatGEMM`).
    case fp32
    /// bf16 operands (activations rounded at run time, weights once at load), fp32 accumulation
    /// (`BF16GEMM`); LayerNorm, softmax, GELU, attention and the residual stream stay fp32.
    case bf16
}
