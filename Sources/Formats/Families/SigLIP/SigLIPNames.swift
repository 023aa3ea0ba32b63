import Graph

/// SigLIP image towers' parameter names in transformers (timm's are `ViTNames.timm`).
enum SigLIPNames {
    /// transformers `SiglipVisionModel` (and the vision half of `SiglipModel`): `vision_model.*`;
    /// the pooling head's `nn.MultiheadAttention` packs q and kv into one `in_proj`.
    static let hf = FamilyNaming(family: "siglip", convention: .hf, prefixes: ["vision_model.", ""], packedQKV: false, rows: [
        NameRow(.patchWeight, "{p}embeddings.patch_embedding.weight"), NameRow(.patchBias, "{p}embeddings.patch_embedding.bias"),
        NameRow(.posEmbed, "{p}embeddings.position_embedding.weight", layout: .squeezed(fileRank: 2)),
        NameRow(.norm1Weight, "{p}encoder.layers.{i}.layer_norm1.weight"), NameRow(.norm1Bias, "{p}encoder.layers.{i}.layer_norm1.bias"),
        NameRow(.qWeight, "{p}encoder.layers.{i}.self_attn.q_proj.weight"), NameRow(.qBias, "{p}encoder.layers.{i}.self_attn.q_proj.bias"),
        NameRow(.kWeight, "{p}encoder.layers.{i}.self_attn.k_proj.weight"), NameRow(.kBias, "{p}encoder.layers.{i}.self_attn.k_proj.bias"),
        NameRow(.vWeight, "{p}encoder.layers.{i}.self_attn.v_proj.weight"), NameRow(.vBias, "{p}encoder.layers.{i}.self_attn.v_proj.bias"),
        NameRow(.projWeight, "{p}encoder.layers.{i}.self_attn.out_proj.weight"), NameRow(.projBias, "{p}encoder.layers.{i}.self_attn.out_proj.bias"),
        NameRow(.norm2Weight, "{p}encoder.layers.{i}.layer_norm2.weight"), NameRow(.norm2Bias, "{p}encoder.layers.{i}.layer_norm2.bias"),
        NameRow(.fc1Weight, "{p}encoder.layers.{i}.mlp.fc1.weight"), NameRow(.fc1Bias, "{p}encoder.layers.{i}.mlp.fc1.bias"),
        NameRow(.fc2Weight, "{p}encoder.layers.{i}.mlp.fc2.weight"), NameRow(.fc2Bias, "{p}encoder.layers.{i}.mlp.fc2.bias"),
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
