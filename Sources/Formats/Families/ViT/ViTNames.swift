import Graph

/// timm's and transformers' ViT parameter names.
enum ViTNames {
    /// timm `VisionTransformer` / `VisionTransformerDistilled` (`blocks.N.attn.qkv.weight`); also
    /// the timm names of CLIP (`norm_pre`), SigLIP (`attn_pool.*`) and DINOv2 towers.
    static let timm = FamilyNaming(family: "vit", convention: .timm, packedQKV: true, rows: timmEmbedding + [
        NameRow(.norm1Weight, "blocks.{i}.norm1.weight"), NameRow(.norm1Bias, "blocks.{i}.norm1.bias"),
        NameRow(.qkvWeight, "blocks.{i}.attn.qkv.weight"), NameRow(.qkvBias, "blocks.{i}.attn.qkv.bias"),
        NameRow(.projWeight, "blocks.{i}.attn.proj.weight"), NameRow(.projBias, "blocks.{i}.attn.proj.bias"),
        NameRow(.ls1, "blocks.{i}.ls1.gamma"),
        NameRow(.norm2Weight, "blocks.{i}.norm2.weight"), NameRow(.norm2Bias, "blocks.{i}.norm2.bias"),
        NameRow(.fc1Weight, "blocks.{i}.mlp.fc1.weight"), NameRow(.fc1Bias, "blocks.{i}.mlp.fc1.bias"),
        NameRow(.fc2Weight, "blocks.{i}.mlp.fc2.weight"), NameRow(.fc2Bias, "blocks.{i}.mlp.fc2.bias"),
        NameRow(.ls2, "blocks.{i}.ls2.gamma"),
    ] + timmPooling)

    /// timm's names before the blocks (patch embedding, class / distillation / register tokens, the
    /// position table, CLIP's `norm_pre`), shared by every timm family built on `VisionTransformer` or `Eva`.
    static let timmEmbedding: [NameRow] = [
        NameRow(.patchWeight, "patch_embed.proj.weight"), NameRow(.patchBias, "patch_embed.proj.bias"),
        NameRow(.clsToken, "cls_token"), NameRow(.distToken, "dist_token"), NameRow(.regToken, "reg_token"),
        NameRow(.posEmbed, "pos_embed"), NameRow(.normPreWeight, "norm_pre.weight"), NameRow(.normPreBias, "norm_pre.bias"),
    ]

    /// timm's names after the blocks (final norm, SigLIP's attention pool, `fc_norm`, the heads),
    /// shared as `timmEmbedding` is.
    static let timmPooling: [NameRow] = [
        NameRow(.normWeight, "norm.weight"), NameRow(.normBias, "norm.bias"),
        NameRow(.mapLatent, "attn_pool.latent"), NameRow(.mapQWeight, "attn_pool.q.weight"), NameRow(.mapQBias, "attn_pool.q.bias"),
        NameRow(.mapKVWeight, "attn_pool.kv.weight"), NameRow(.mapKVBias, "attn_pool.kv.bias"),
        NameRow(.mapProjWeight, "attn_pool.proj.weight"), NameRow(.mapProjBias, "attn_pool.proj.bias"),
        NameRow(.mapNormWeight, "attn_pool.norm.weight"), NameRow(.mapNormBias, "attn_pool.norm.bias"),
        NameRow(.mapFc1Weight, "attn_pool.mlp.fc1.weight"), NameRow(.mapFc1Bias, "attn_pool.mlp.fc1.bias"),
        NameRow(.mapFc2Weight, "attn_pool.mlp.fc2.weight"), NameRow(.mapFc2Bias, "attn_pool.mlp.fc2.bias"),
        NameRow(.fcNormWeight, "fc_norm.weight"), NameRow(.fcNormBias, "fc_norm.bias"),
        NameRow(.headWeight, "head.weight"), NameRow(.headBias, "head.bias"),
        NameRow(.headDistWeight, "head_dist.weight"), NameRow(.headDistBias, "head_dist.bias"),
    ]

    /// transformers `ViTModel` / `ViTForImageClassification` (`vit.` prefix), DeiT (`deit.`),
    /// `ViTMAEModel`; `{p}` is the model prefix.
    static let hf = FamilyNaming(family: "vit", convention: .hf, prefixes: ["vit.", "deit.", ""], packedQKV: false, rows: [
        NameRow(.patchWeight, "{p}embeddings.patch_embeddings.projection.weight"),
        NameRow(.patchBias, "{p}embeddings.patch_embeddings.projection.bias"),
        NameRow(.clsToken, "{p}embeddings.cls_token"), NameRow(.distToken, "{p}embeddings.distillation_token"),
        NameRow(.posEmbed, "{p}embeddings.position_embeddings"),
        NameRow(.norm1Weight, "{p}encoder.layer.{i}.layernorm_before.weight"), NameRow(.norm1Bias, "{p}encoder.layer.{i}.layernorm_before.bias"),
        NameRow(.qWeight, "{p}encoder.layer.{i}.attention.attention.query.weight"), NameRow(.qBias, "{p}encoder.layer.{i}.attention.attention.query.bias"),
        NameRow(.kWeight, "{p}encoder.layer.{i}.attention.attention.key.weight"), NameRow(.kBias, "{p}encoder.layer.{i}.attention.attention.key.bias"),
        NameRow(.vWeight, "{p}encoder.layer.{i}.attention.attention.value.weight"), NameRow(.vBias, "{p}encoder.layer.{i}.attention.attention.value.bias"),
        NameRow(.projWeight, "{p}encoder.layer.{i}.attention.output.dense.weight"), NameRow(.projBias, "{p}encoder.layer.{i}.attention.output.dense.bias"),
        NameRow(.norm2Weight, "{p}encoder.layer.{i}.layernorm_after.weight"), NameRow(.norm2Bias, "{p}encoder.layer.{i}.layernorm_after.bias"),
        NameRow(.fc1Weight, "{p}encoder.layer.{i}.intermediate.dense.weight"), NameRow(.fc1Bias, "{p}encoder.layer.{i}.intermediate.dense.bias"),
        NameRow(.fc2Weight, "{p}encoder.layer.{i}.output.dense.weight"), NameRow(.fc2Bias, "{p}encoder.layer.{i}.output.dense.bias"),
        NameRow(.normWeight, "{p}layernorm.weight"), NameRow(.normBias, "{p}layernorm.bias"),
        NameRow(.headWeight, "classifier.weight", "cls_classifier.weight", distilledName: "cls_classifier.weight"),
        NameRow(.headBias, "classifier.bias", "cls_classifier.bias", distilledName: "cls_classifier.bias"),
        NameRow(.headDistWeight, "distillation_classifier.weight"), NameRow(.headDistBias, "distillation_classifier.bias"),
        NameRow(.poolerWeight, "{p}pooler.dense.weight"), NameRow(.poolerBias, "{p}pooler.dense.bias"),
    ], writePrefix: { c in c.numClasses == 0 ? "" : (c.distToken ? "deit." : "vit.") })
}
