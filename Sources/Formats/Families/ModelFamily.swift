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
    /// Whether its conventions can hold a model with rotary position embeddings, no position
    /// table or an inner MLP norm (`ViTConfig.rope`, `positionEmbedding`, `mlpNorm`); `false` by default.
    var expressesRotaryPositions: Bool { get }
}

extension ModelFamily {
    var expressesRotaryPositions: Bool { false }

    /// `model` rearranged into the equivalent form `convention` stores (the same computation);
    /// by default unchanged.
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription { model }
}
