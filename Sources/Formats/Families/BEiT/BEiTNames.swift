import Graph

/// BEiT's parameter names: timm `Beit` and transformers `Beit*` / `Data2VecVision*` (which share
/// one layout under different model prefixes).
enum BEiTNames {
    /// timm `Beit` (`beit_*`): packed `qkv` without bias beside `q_bias` and `v_bias`, LayerScale
    /// `gamma_1/2`, per-block
    /// `attn.relative_position_bias_table` or one shared `rel_pos_bias.relative_position_bias_table`,
    /// (the key bias, `keyBiasOmitted`: read as zeros, dropped on writing),
    /// `fc_norm` after mean pooling. timm's `relative_position_index` buffers are not in its state dict.
    static let timm = FamilyNaming(family: "beit", convention: .timm, packedQKV: true, keyBiasOmitted: true, rows: [
        NameRow(.patchWeight, "patch_embed.proj.weight"), NameRow(.patchBias, "patch_embed.proj.bias"),
        NameRow(.clsToken, "cls_token"), NameRow(.posEmbed, "pos_embed"),
        NameRow(.sharedRelativeBiasTable, "rel_pos_bias.relative_position_bias_table"),
        NameRow(.ls1, "blocks.{i}.gamma_1"), NameRow(.ls2, "blocks.{i}.gamma_2"),
        NameRow(.norm1Weight, "blocks.{i}.norm1.weight"), NameRow(.norm1Bias, "blocks.{i}.norm1.bias"),
        NameRow(.qkvWeight, "blocks.{i}.attn.qkv.weight"),
        NameRow(.qBias, "blocks.{i}.attn.q_bias"), NameRow(.vBias, "blocks.{i}.attn.v_bias"),
        NameRow(.relativeBiasTable, "blocks.{i}.attn.relative_position_bias_table"),
        NameRow(.projWeight, "blocks.{i}.attn.proj.weight"), NameRow(.projBias, "blocks.{i}.attn.proj.bias"),
        NameRow(.norm2Weight, "blocks.{i}.norm2.weight"), NameRow(.norm2Bias, "blocks.{i}.norm2.bias"),
        NameRow(.fc1Weight, "blocks.{i}.mlp.fc1.weight"), NameRow(.fc1Bias, "blocks.{i}.mlp.fc1.bias"),
        NameRow(.fc2Weight, "blocks.{i}.mlp.fc2.weight"), NameRow(.fc2Bias, "blocks.{i}.mlp.fc2.bias"),
        NameRow(.normWeight, "norm.weight"), NameRow(.normBias, "norm.bias"),
        NameRow(.fcNormWeight, "fc_norm.weight"), NameRow(.fcNormBias, "fc_norm.bias"),
        NameRow(.headWeight, "head.weight"), NameRow(.headBias, "head.bias"),
    ])

    /// transformers `BeitModel` / `BeitForImageClassification` (`beit.`) and `Data2VecVisionModel` /
    /// `Data2VecVisionForImageClassification` (`data2vec_vision.`) as `save_pretrained` writes them:
    /// query and value biases, a bias-free key, `lambda_1/2`, the mean-pooling norm as
    /// `pooler.layernorm`.
    static func hf(family: String, modelPrefix: String) -> FamilyNaming {
        FamilyNaming(family: family, convention: .hf, prefixes: [modelPrefix, ""], packedQKV: false, keyBiasOmitted: true, rows: [
            NameRow(.patchWeight, "{p}embeddings.patch_embeddings.projection.weight"),
            NameRow(.patchBias, "{p}embeddings.patch_embeddings.projection.bias"),
            NameRow(.clsToken, "{p}embeddings.cls_token"), NameRow(.posEmbed, "{p}embeddings.position_embeddings"),
            NameRow(.sharedRelativeBiasTable, "{p}encoder.relative_position_bias.relative_position_bias_table"),
            NameRow(.ls1, "{p}encoder.layer.{i}.lambda_1"), NameRow(.ls2, "{p}encoder.layer.{i}.lambda_2"),
            NameRow(.norm1Weight, "{p}encoder.layer.{i}.layernorm_before.weight"), NameRow(.norm1Bias, "{p}encoder.layer.{i}.layernorm_before.bias"),
            NameRow(.qWeight, "{p}encoder.layer.{i}.attention.attention.query.weight"), NameRow(.qBias, "{p}encoder.layer.{i}.attention.attention.query.bias"),
            NameRow(.kWeight, "{p}encoder.layer.{i}.attention.attention.key.weight"),
            NameRow(.vWeight, "{p}encoder.layer.{i}.attention.attention.value.weight"), NameRow(.vBias, "{p}encoder.layer.{i}.attention.attention.value.bias"),
            NameRow(.relativeBiasTable, "{p}encoder.layer.{i}.attention.attention.relative_position_bias.relative_position_bias_table"),
            NameRow(.projWeight, "{p}encoder.layer.{i}.attention.output.dense.weight"), NameRow(.projBias, "{p}encoder.layer.{i}.attention.output.dense.bias"),
            NameRow(.norm2Weight, "{p}encoder.layer.{i}.layernorm_after.weight"), NameRow(.norm2Bias, "{p}encoder.layer.{i}.layernorm_after.bias"),
            NameRow(.fc1Weight, "{p}encoder.layer.{i}.intermediate.dense.weight"), NameRow(.fc1Bias, "{p}encoder.layer.{i}.intermediate.dense.bias"),
            NameRow(.fc2Weight, "{p}encoder.layer.{i}.output.dense.weight"), NameRow(.fc2Bias, "{p}encoder.layer.{i}.output.dense.bias"),
            NameRow(.normWeight, "{p}layernorm.weight"), NameRow(.normBias, "{p}layernorm.bias"),
            NameRow(.fcNormWeight, "{p}pooler.layernorm.weight"), NameRow(.fcNormBias, "{p}pooler.layernorm.bias"),
            NameRow(.headWeight, "classifier.weight"), NameRow(.headBias, "classifier.bias"),
        ], writePrefix: { c in c.numClasses > 0 ? modelPrefix : "" })
    }
}
