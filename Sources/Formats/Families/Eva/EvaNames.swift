import Graph

/// timm's `Eva` parameter names (EVA-02, DINOv3 ports, EVA): a bias-free packed `qkv` with separate
/// `q_bias` / `v_bias` (the key has no bias: `keyBiasOmitted`), LayerScale `gamma_1` / `gamma_2`, and the MLP's
/// `fc1` packed (`GluMlp`) or split into `fc1_g` / `fc1_x` (`SwiGLU`, with EVA-02's inner `mlp.norm`); the rows
/// before and after the blocks are `VisionTransformer`'s (`ViTNames.timmEmbedding`, `ViTNames.timmPooling`).
enum EvaNames {
    static let timm = FamilyNaming(family: "eva", convention: .timm, packedQKV: true, keyBiasOmitted: true, rows: ViTNames.timmEmbedding + [
        NameRow(.norm1Weight, "blocks.{i}.norm1.weight"), NameRow(.norm1Bias, "blocks.{i}.norm1.bias"),
        NameRow(.qkvWeight, "blocks.{i}.attn.qkv.weight"),
        NameRow(.qBias, "blocks.{i}.attn.q_bias"), NameRow(.vBias, "blocks.{i}.attn.v_bias"),
        // EVA-02 B/L store the projections unfused (`qkv_fused=False`); written fused.
        NameRow(.qWeight, "blocks.{i}.attn.q_proj.weight", writtenWhen: { _ in false }),
        NameRow(.qBias, "blocks.{i}.attn.q_proj.bias", writtenWhen: { _ in false }),
        NameRow(.kWeight, "blocks.{i}.attn.k_proj.weight", writtenWhen: { _ in false }),
        NameRow(.vWeight, "blocks.{i}.attn.v_proj.weight", writtenWhen: { _ in false }),
        NameRow(.vBias, "blocks.{i}.attn.v_proj.bias", writtenWhen: { _ in false }),
        NameRow(.projWeight, "blocks.{i}.attn.proj.weight"), NameRow(.projBias, "blocks.{i}.attn.proj.bias"),
        NameRow(.ls1, "blocks.{i}.gamma_1"),
        NameRow(.norm2Weight, "blocks.{i}.norm2.weight"), NameRow(.norm2Bias, "blocks.{i}.norm2.bias"),
        NameRow(.fc1Weight, "blocks.{i}.mlp.fc1.weight", writtenWhen: { !splitFc1($0) }),
        NameRow(.fc1Bias, "blocks.{i}.mlp.fc1.bias", writtenWhen: { !splitFc1($0) }),
        NameRow(.fc1Weight, "blocks.{i}.mlp.fc1_g.weight", layout: .rowBlock(index: 0, count: 2), writtenWhen: splitFc1),
        NameRow(.fc1Weight, "blocks.{i}.mlp.fc1_x.weight", layout: .rowBlock(index: 1, count: 2), writtenWhen: splitFc1),
        NameRow(.fc1Bias, "blocks.{i}.mlp.fc1_g.bias", layout: .rowBlock(index: 0, count: 2), writtenWhen: splitFc1),
        NameRow(.fc1Bias, "blocks.{i}.mlp.fc1_x.bias", layout: .rowBlock(index: 1, count: 2), writtenWhen: splitFc1),
        NameRow(.mlpNormWeight, "blocks.{i}.mlp.norm.weight"), NameRow(.mlpNormBias, "blocks.{i}.mlp.norm.bias"),
        NameRow(.fc2Weight, "blocks.{i}.mlp.fc2.weight"), NameRow(.fc2Bias, "blocks.{i}.mlp.fc2.bias"),
        NameRow(.ls2, "blocks.{i}.gamma_2"),
    ] + ViTNames.timmPooling)

    /// timm builds its `SwiGLU` (split `fc1_g` / `fc1_x`) when the gated MLP has the inner norm
    /// (`scale_mlp`), else the packed `GluMlp`.
    @Sendable static func splitFc1(_ c: ViTConfig) -> Bool { c.mlpActivation == .swiglu && c.mlpNorm }
}
