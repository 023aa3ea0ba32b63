import Graph

/// A ViT that can be trained: its config, its parameters (`ParameterSet`), and a forward pass that
/// keeps what `backward` needs in an `ActivationWorkspace` planned per batch size.
///
/// The computation is exactly `ViTGraphBuilder`'s (timm's `VisionTransformer` in train mode with no
/// dropout): patch embedding, prefix tokens and position embedding, pre-norm blocks, final norm,
/// pooling, head — and, with a distillation token, the second head on token 1, whose logits are
/// returned separately (timm's `distilled_training`). Supported: class/dist/register tokens (or none),
/// either position-embedding layout, `norm_pre`, a patch embedding with or without bias, token, avg or
/// token_avg (class token and patch mean side by side, HF DINOv2's classifier) pooling, `fc_norm`,
/// attention pooling (`map`, SigLIP's head: `TrainableViT+AttentionPool.swift`),
/// BEiT's relative position bias, per block or shared, with or without the absolute position table
/// (`TrainableViT+RelativeBias.swift`; a key bias the family does not have stays exactly zero),
/// LayerScale, qkv with or without bias, the activations gelu (erf), gelu_tanh, quick_gelu and SwiGLU,
/// the mask token (stored, unused: zero gradient), and as the output a classifier head, a bias-free
/// projection (CLIP's image embedding) or, with neither, the pooled features — through the HF ViT pooler
/// (`tanh(dense(first token))`, `pooler_output`) when the model has one.
public final class TrainableViT {
    public private(set) var config: ViTConfig
    public let parameters: ParameterSet
    public let context: ExecutionContext
    var workspace: ActivationWorkspace?
    /// Per-phase timing (off unless enabled; `vitopt distill --profile`).
    public let profile = PhaseProfile()
    /// Source names of the model this was made from (kept for saving).
    let sourceNames: [ViTTensorKey: String]

    /// Whether `backward` is available (false: a forward-only model, e.g. the teacher, whose workspace
    /// keeps no activations).
    public let trainable: Bool

    /// - Parameter trainable: false for a forward-only model (no activations kept, no backward).
    /// - Throws: `DistillError.unsupported` for an architecture feature without a backward pass.
    public init(_ model: ViTDescription, threads: Int, trainable: Bool = true) throws {
        let c = model.config
        try Self.checkSupported(c)
        try model.validate()
        self.config = c
        self.parameters = try ParameterSet(model)
        self.context = ExecutionContext(threads: threads)
        self.sourceNames = [:]
        self.trainable = trainable
        if keyBiasFixed { zeroKeyBias(in: parameters.values) }  // not a parameter: no output depends on it
    }

    static func checkSupported(_ c: ViTConfig) throws {
        if c.pooler && (c.numClasses > 0 || c.projectionDim > 0 || c.pooling != .token) {
            throw DistillError.unsupported("the Hugging Face pooler beside a classifier, a projection or another pooling")
        }
        if c.mlpActivation == nil { throw DistillError.unsupported("activation \(c.activation)") }
        if c.pooling == .tokenAvg && c.fcNorm { throw DistillError.unsupported("fc_norm with token_avg pooling") }
        if c.depth < 1 { throw DistillError.unsupported("depth 0") }
        if c.rope != nil || c.mlpNorm {
            throw DistillError.unsupported("rotary position embeddings (RoPE) or an inner MLP norm (EVA-02, DINOv3): no backward pass for them yet; the teacher may be one, the student not")
        }
    }

    /// Width of the model's output: the classes of its head, else its projection, else its pooled features.
    static func outputWidth(_ c: ViTConfig) -> Int {
        c.numClasses > 0 ? c.numClasses : c.projectionDim > 0 ? c.projectionDim : c.pooledWidth
    }

    /// What the output is, for messages: "logits", "image embeddings" or "pooled features".
    public static func outputKind(_ c: ViTConfig) -> String {
        c.numClasses > 0 ? "logits" : c.projectionDim > 0 ? "image embeddings" : "pooled features"
    }

    /// Tokens per image (prefix + patches).
    public var tokens: Int { config.numPrefixTokens + config.numPatches }

    /// The model as a `ViTDescription` (copies of the current values, timm's packed layout).
    public func description() -> ViTDescription {
        ViTDescription(config: config, tensors: parameters.tensors())
    }

    /// Bytes of the activation plan for the current batch size (0 before the first forward).
    public var activationBytes: Int { workspace?.byteCount ?? 0 }

    func workspace(for batch: Int) throws -> ActivationWorkspace {
        if let w = workspace, w.batch == batch { return w }
        workspace = nil  // free the old plan before allocating the new one
        let w = try ActivationWorkspace(config: config, batch: batch, threads: context.threads, keepsActivations: trainable)
        workspace = w
        return w
    }
}
