/// The op kinds of vitopt's standard vocabulary (`Node.op`), named once. ONNX operators the
/// importer passes through keep their ONNX spelling and are not listed here.
public enum OpKind {
    /// `PatchEmbed(pixels[N,C,H,W], weight[D,C,Ph,Pw][, bias[D]])` → `[N, patches, D]`.
    public static let patchEmbed = "PatchEmbed"
    /// `PrefixTokens(x, token…)`: prepends learned tokens, broadcast over the batch.
    public static let prefixTokens = "PrefixTokens"
    public static let add = "Add"
    public static let mul = "Mul"
    public static let layerNorm = "LayerNorm"
    /// `Linear(x, weight[out,in][, bias])`: `x·Wᵀ + b`.
    public static let linear = "Linear"
    /// Multi-head self-attention on a packed qkv or on q, k, v.
    public static let attention = "Attention"
    /// Multi-head attention of learned queries over the tokens (`AttentionPool(q[1,L,D], kv[N,T,2D])`).
    public static let attentionPool = "AttentionPool"
    public static let gelu = "Gelu"
    public static let quickGelu = "QuickGelu"
    public static let swiglu = "SwiGLU"
    public static let tanh = "Tanh"
    public static let takeToken = "TakeToken"
    public static let meanTokens = "MeanTokens"
    /// Concatenation of same-rank tensors along the last axis.
    public static let concatFeatures = "ConcatFeatures"
    public static let average = "Average"
    public static let linearPacked = "LinearPacked"
    /// Swin's (shifted-)window attention core on tokens in grid order (`WindowAttentionKernel`).
    public static let windowAttention = "WindowAttention"
    /// Swin's 2×2 patch merging gather (`PatchMergingKernel`).
    public static let patchMerging = "PatchMerging"
    /// Swin v2's continuous position bias table from its MLP (`ContinuousPositionBiasKernel`).
    public static let continuousPositionBias = "ContinuousPositionBias"
    /// `RelativePositionBias(table[(2Gh−1)(2Gw−1)+3, H]) {grid = [Gh, Gw]}` → `[H, T, T]`, `T = Gh·Gw + 1` (BEiT).
    public static let relativePositionBias = "RelativePositionBias"
    /// `Attention` whose scores get an additive bias `[H, T, T]` (broadcast over the batch) before
    /// the softmax: `BiasedAttention(qkv, bias)` or `BiasedAttention(q, k, v, bias)`.
    public static let biasedAttention = "BiasedAttention"
    /// `RoPE(x[N,T,C], sin[P,hd], cos[P,hd])`: 2-D rotary position embedding of the patch tokens.
    public static let rope = "RoPE"
}
