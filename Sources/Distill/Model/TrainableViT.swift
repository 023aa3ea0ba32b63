import Graph

/// A ViT that can be trained: its config, its parameters (`ParameterSet`), and a forward pass that
/// keeps what `backward` needs in an `ActivationWorkspace` planned per batch size.
///
/// The computation is exactly `ViTGraphBuilder`'s (timm's `VisionTransformer` in train mode with no
/// dropout): patch embedding, prefix tokens and position embedding, pre-norm blocks, final norm,
/// pooling, head — and, with a distillation token, the second head on token 1, whose logits are
/// returned separately (timm's `distilled_training`). Supported: class/dist/register tokens (or none),
/// either position-embedding layout, token or avg pooling, `fc_norm`, LayerScale, qkv with or without
/// bias, exact GELU. The HF pooler and tanh-GELU have no backward here and are rejected.
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
    }

    static func checkSupported(_ c: ViTConfig) throws {
        if c.pooler { throw DistillError.unsupported("the Hugging Face pooler") }
        if c.activation != "gelu" { throw DistillError.unsupported("activation \(c.activation) (only exact gelu)") }
        if c.numClasses < 1 { throw DistillError.unsupported("a model without a classifier head") }
        if c.depth < 1 { throw DistillError.unsupported("depth 0") }
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
