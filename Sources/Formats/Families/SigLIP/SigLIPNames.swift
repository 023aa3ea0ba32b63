import Graph

/// SigLIP image towers' parameter names in transformers (timm's are `ViTNames.timm`).
enum SigLIPNames {
    /// transformers `SiglipVisionModel` (and the vision half of `SiglipModel`): `vision_model.*`;
    /// the pooling head's `nn.MultiheadAttention` packs q and kv into one `in_proj`.
    static let hf = FamilyNaming(family: "siglip", convention: .hf, prefixes: ["vision_model.", ""], packedQKV: false, rows: [
        NameRow(.patchWeight, "{p}embeddings.patch_embedding.weight"), NameRow(.patchBias, "{p}embeddings.patch_embedding.bias"),
        NameRow(.posEmbed, "{p}embeddings.position_embedding.weight", layout: .squeezed(fileRank: 2)),
    ] + CLIPEncoderNames.blockRows + [
        NameRow(.normWeight, "{p}post_layernorm.weight"), NameRow(.normBias, "{p}post_layernorm.bias"),
        NameRow(.mapLatent, "{p}head.probe"),
        NameRow(.mapQWeight, "{p}head.attention.in_proj_weight", layout: .joined(parts: [.mapQWeight, .mapKVWeight], shares: [1, 2])),
        NameRow(.mapQBias, "{p}head.attention.in_proj_bias", layout: .joined(parts: [.mapQBias, .mapKVBias], shares: [1, 2])),
        NameRow(.mapProjWeight, "{p}head.attention.out_proj.weight"), NameRow(.mapProjBias, "{p}head.attention.out_proj.bias"),
        NameRow(.mapNormWeight, "{p}head.layernorm.weight"), NameRow(.mapNormBias, "{p}head.layernorm.bias"),
        NameRow(.mapFc1Weight, "{p}head.mlp.fc1.weight"), NameRow(.mapFc1Bias, "{p}head.mlp.fc1.bias"),
        NameRow(.mapFc2Weight, "{p}head.mlp.fc2.weight"), NameRow(.mapFc2Bias, "{p}head.mlp.fc2.bias"),
    ], writePrefix: { _ in "" })
}
