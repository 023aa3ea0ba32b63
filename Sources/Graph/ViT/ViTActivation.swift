/// The activation inside each block's MLP. Raw values are the spellings `ViTConfig.activation`
/// stores and checkpoint metadata carries.
public enum ViTActivation: String, CaseIterable, Sendable {
    /// `0.5·x·(1 + erf(x/√2))` (PyTorch `nn.GELU()`).
    case gelu
    /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (`nn.GELU(approximate="tanh")`, HF `gelu_pytorch_tanh`).
    case geluTanh = "gelu_tanh"
    /// `x·σ(1.702·x)` (OpenAI CLIP's `QuickGELU`).
    case quickGelu = "quick_gelu"
    /// `silu(a)·b` where `fc1` yields `[a | b]` (gate first): timm `SwiGLUPacked`, HF DINOv2 `weights_in`.
    case swiglu
}
