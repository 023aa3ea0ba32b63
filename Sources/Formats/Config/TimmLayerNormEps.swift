import Graph

/// The LayerNorm eps timm gives the architecture `ConfigWriter` names for a model, where
/// `model_args` cannot set it: timm's `VisionTransformer` and `Beit` build their LayerNorms with
/// eps 1e-6, the CLIP names (`vit_*_clip_*`) with 1e-5. A model whose eps is another value —
/// transformers' ViT and BEiT default to 1e-12 — is computed by timm with that eps, not its own
/// (relative differences of order eps / variance, tiny for trained weights but not zero).
/// Eva-layout models are not covered here: `TimmEvaConfig` picks an architecture by eps, or the
/// Eva family refuses the conversion.
enum TimmLayerNormEps {
    /// The architecture `ConfigWriter.timm` writes for `c` and the eps timm builds it with; nil for
    /// the Eva layout.
    static func implied(_ c: ViTConfig) -> (architecture: String, eps: Double)? {
        guard let arch = ConfigWriter.timm(c)["architecture"] as? String,
              arch.hasPrefix("vit_") || arch.hasPrefix("deit_") || arch.hasPrefix("beit_") else { return nil }
        return (arch, TimmArchitectures.settings(for: arch).eps ?? 1e-6)
    }

    /// A warning naming both eps values when timm would build `c` with another LayerNorm eps than
    /// its own; nil when they agree.
    static func mismatch(_ c: ViTConfig) -> String? {
        guard let (arch, eps) = implied(c), c.eps != eps else { return nil }
        let timmClass = arch.hasPrefix("beit_") ? "Beit" : "VisionTransformer"
        return "LayerNorm eps \(c.eps) cannot be said in timm's config: \(arch) (timm's \(timmClass), no eps argument) builds its LayerNorms with eps \(eps), so timm computes this model with \(eps) instead of \(c.eps)"
    }
}
