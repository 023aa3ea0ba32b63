import Graph

/// A model family: the conventions its checkpoints are named in, the `config.json` files its
/// libraries write, and which architectures those can express. Adding a family is one folder
/// under `Families/` with a type conforming to this, plus its line in `ModelFamilies.all`.
protocol ModelFamily: Sendable {
    /// `ViTConfig.family` of models read in this family's conventions.
    var name: String { get }
    /// Its naming conventions (timm's names are shared by every family and live in `ViTFamily`).
    var namings: [FamilyNaming] { get }
    /// Hugging Face `model_type` values whose `config.json` this family parses.
    var hfModelTypes: [String] { get }
    /// Reads a transformers `config.json` of one of `hfModelTypes`.
    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints
    /// Why `convention` of this family cannot hold a model with `config`, or `nil` when it can.
    func inexpressible(_ config: ViTConfig, in convention: NamingConvention) -> String?
    /// `model` rearranged into the equivalent form `convention` stores (the same computation).
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription
    /// The transformers `config.json` object for `config` (only called when expressible in `.hf`).
    func hfConfig(_ config: ViTConfig) -> [String: Any]
    /// A file's parameters, as read under `convention`'s names, in vitopt's form (the same
    /// computation); the inverse of `stored`.
    func canonical(_ tensors: [ViTTensorKey: Tensor], from convention: NamingConvention) -> [ViTTensorKey: Tensor]
    /// The parameters of a model with `config` in the arrangement `convention` stores them (the same
    /// computation); the inverse of `canonical`.
    func stored(_ tensors: [ViTTensorKey: Tensor], config: ViTConfig, in convention: NamingConvention) -> [ViTTensorKey: Tensor]
    /// Whether the family's libraries hold `config`'s position scheme (absolute, relative).
    func supportsPositions(_ config: ViTConfig) -> Bool
}

extension ModelFamily {
    /// `model` rearranged into the equivalent form `convention` stores (the same computation);
    /// by default unchanged.
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription { model }
    /// By default the file holds vitopt's form.
    func canonical(_ tensors: [ViTTensorKey: Tensor], from convention: NamingConvention) -> [ViTTensorKey: Tensor] { tensors }
    /// By default the file holds vitopt's form.
    func stored(_ tensors: [ViTTensorKey: Tensor], config: ViTConfig, in convention: NamingConvention) -> [ViTTensorKey: Tensor] { tensors }

    /// Whether the family's libraries hold the model's position scheme; by default only a learned
    /// absolute position embedding (BEiT's relative position bias is its own family's).
    func supportsPositions(_ c: ViTConfig) -> Bool { c.absolutePositions && c.relativeBias == .absent }
}
