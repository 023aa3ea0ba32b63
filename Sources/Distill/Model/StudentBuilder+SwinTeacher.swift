import Graph

extension StudentBuilder {
    /// The pseudo-architecture `--student vit` that asks for a ViT student of a Swin teacher.
    public static let vitForSwin = "vit"

    /// The ViT a Swin teacher's ViT student is built from (fresh, timm init; `build` then applies the
    /// student options to it): the teacher's input, preprocessing, classes and labels; a 16-pixel patch
    /// grid (4 × the Swin patch when that tiles the image, else the Swin patch); the width, heads and
    /// MLP ratio of the teacher's last stage (so a headless teacher's pooled features, that width, can be
    /// regressed); depth the teacher's total block count; class token, pre-norm, exact GELU, LayerNorm
    /// eps 1e-6 (timm `VisionTransformer` defaults). No tensors: every one is initialised by `build`.
    public static func vitShell(swinTeacher s: SwinConfig) -> ViTDescription {
        let last = s.stageCount - 1, width = s.width(stage: last)
        let wide = s.patchSize * 4
        let patch = s.imageSize.allSatisfy { $0 % wide == 0 } ? wide : s.patchSize
        let ratio = Double(s.mlpHidden[last]) / Double(width)
        let c = ViTConfig(imageSize: s.imageSize, patchSize: [patch, patch], channels: s.channels, embedDim: width,
                          depth: s.depths.reduce(0, +), numHeads: s.numHeads[last], mlpHidden: max(1, Int((Double(width) * ratio).rounded())),
                          numClasses: s.numClasses, labels: s.labels, preprocessing: s.preprocessing)
        return ViTDescription(config: c, tensors: [:])
    }

    /// The student options for a ViT student of a Swin teacher: `--student vit` becomes a fresh
    /// initialisation of `vitShell` (other architecture names are timm ViTs, as for any teacher).
    public static func vitSpec(swinTeacher spec: Spec) -> Spec {
        var s = spec
        if s.architecture == vitForSwin { s.architecture = nil }
        s.freshInit = true
        return s
    }
}
