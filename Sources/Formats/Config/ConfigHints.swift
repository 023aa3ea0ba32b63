import Graph

/// What is known about a model's config beyond its tensor shapes, from `config.json`, checkpoint
/// metadata or command-line flags. Every field is optional; later sources override earlier ones.
public struct ConfigHints: Sendable, Equatable {
    public var numHeads: Int?
    public var eps: Double?
    public var imageSize: [Int]?
    public var patchSize: [Int]?
    public var embedDim: Int?
    public var depth: Int?
    public var mlpHidden: Int?
    public var numClasses: Int?
    public var globalPool: String?
    public var fcNorm: Bool?
    public var classToken: Bool?
    public var regTokens: Int?
    public var posEmbedIncludesPrefix: Bool?
    public var activation: String?
    /// The family the config file belongs to (`ViTConfig.family`).
    public var family: String?
    /// `ViTConfig.positionResample`.
    public var positionResample: String?
    /// `ViTConfig.rope`: the rotary position embedding the model's library computes.
    public var rope: ViTRoPE?
    public var labels: [String]?
    public var preprocessing: ViTConfig.Preprocessing?
    /// Where the hints came from (file names), for messages.
    public var sources: [String] = []

    public init() {}

    /// `self` with every field `other` sets taken from `other`.
    public func overridden(by other: ConfigHints) -> ConfigHints {
        var r = self
        r.numHeads = other.numHeads ?? numHeads
        r.eps = other.eps ?? eps
        r.imageSize = other.imageSize ?? imageSize
        r.patchSize = other.patchSize ?? patchSize
        r.embedDim = other.embedDim ?? embedDim
        r.depth = other.depth ?? depth
        r.mlpHidden = other.mlpHidden ?? mlpHidden
        r.numClasses = other.numClasses ?? numClasses
        r.globalPool = other.globalPool ?? globalPool
        r.fcNorm = other.fcNorm ?? fcNorm
        r.classToken = other.classToken ?? classToken
        r.regTokens = other.regTokens ?? regTokens
        r.posEmbedIncludesPrefix = other.posEmbedIncludesPrefix ?? posEmbedIncludesPrefix
        r.activation = other.activation ?? activation
        r.family = other.family ?? family
        r.positionResample = other.positionResample ?? positionResample
        r.rope = other.rope ?? rope
        r.labels = other.labels ?? labels
        r.preprocessing = other.preprocessing ?? preprocessing
        r.sources = sources + other.sources
        return r
    }

    /// Settings that both `self` (the file's own config) and `flags` (the command line) give, with
    /// different values: `(flag, flag's value, the file's value)`. Only the settings the command line
    /// can give (`--heads`, `--eps`, `--source-grid`) are compared.
    public func contradictions(by flags: ConfigHints) -> [(flag: String, given: String, file: String)] {
        var out: [(String, String, String)] = []
        if let a = numHeads, let b = flags.numHeads, a != b { out.append(("--heads", "\(b)", "num_heads \(a)")) }
        if let a = eps, let b = flags.eps, a != b { out.append(("--eps", "\(b)", "eps \(a)")) }
        if let a = imageSize, let b = flags.imageSize, a != b {
            out.append(("--source-grid", "image size \(b.map(String.init).joined(separator: "×"))", "image size \(a.map(String.init).joined(separator: "×"))"))
        }
        return out
    }
}
