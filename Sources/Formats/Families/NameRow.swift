import Graph

/// How one checkpoint tensor of a naming convention holds ViT parameters.
struct NameRow: Sendable {
    /// How the file's tensor relates to the canonical parameter(s).
    enum Layout: Sendable, Equatable {
        /// The same tensor.
        case asIs
        /// The canonical tensor without its leading size-1 axes, stored with `fileRank` axes
        /// (CLIP's `class_embedding [D]` for `[1, 1, D]`, `position_embedding.weight [T, D]` for `[1, T, D]`).
        case squeezed(fileRank: Int)
        /// The 2-D transpose (OpenCLIP's `proj [D, P]` for `[P, D]`).
        case transposed
        /// The row-concatenation of `parts` (this row's `part` first), split in the row ratios
        /// `shares` (HF SigLIP's attention-pool `in_proj` = q (1 share) + kv (2 shares)).
        case joined(parts: [ViTPart], shares: [Int])
        /// The `index`-th of `count` equal row blocks of the canonical tensor, stored under its own
        /// name (timm EVA's `attn.q_bias` and `attn.v_bias` of the `[3D]` qkv bias, SwiGLU's
        /// `mlp.fc1_g` / `mlp.fc1_x` halves of `fc1`). A block that no row of the naming stores is
        /// zero: reading fills it with zeros, writing refuses a model whose block there is not zero.
        case rowBlock(index: Int, count: Int)
    }

    let part: ViTPart
    /// Templates: the first is written, all are accepted when reading.
    let names: [String]
    let layout: Layout
    /// The template written instead of `names[0]` for a model with a distillation token (HF DeiT's
    /// `cls_classifier`).
    let distilledName: String?
    /// When given, the row writes only models for whose config it is true (timm EVA writes SwiGLU's
    /// `fc1` packed, or as `fc1_g` / `fc1_x` when the MLP has its inner norm); it always reads.
    let writtenWhen: (@Sendable (ViTConfig) -> Bool)?

    init(_ part: ViTPart, _ names: String..., layout: Layout = .asIs, distilledName: String? = nil,
         writtenWhen: (@Sendable (ViTConfig) -> Bool)? = nil) {
        self.part = part
        self.names = names
        self.layout = layout
        self.distilledName = distilledName
        self.writtenWhen = writtenWhen
    }

    /// The parts this row stores.
    var parts: [ViTPart] {
        if case .joined(let ps, _) = layout { return ps }
        return [part]
    }
}
