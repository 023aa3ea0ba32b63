import Graph

/// CLIP image towers' parameter names in transformers and OpenCLIP (timm's are `ViTNames.timm`).
enum CLIPNames {
    /// transformers `CLIPVisionModel` / `CLIPVisionModelWithProjection` (and the vision half of
    /// `CLIPModel`): `vision_model.*` (transformers 5 saves a bare `CLIPVisionModel` without the prefix),
    /// `visual_projection.weight`. `post_layernorm` normalises the
    /// pooled class token only, so it is read as `fc_norm`.
    static let hf = FamilyNaming(family: "clip", convention: .hf, prefixes: ["vision_model.", ""], packedQKV: false, rows: [
        NameRow(.patchWeight, "{p}embeddings.patch_embedding.weight"),
        NameRow(.clsToken, "{p}embeddings.class_embedding", layout: .squeezed(fileRank: 1)),
        NameRow(.posEmbed, "{p}embeddings.position_embedding.weight", layout: .squeezed(fileRank: 2)),
        NameRow(.normPreWeight, "{p}pre_layrnorm.weight"), NameRow(.normPreBias, "{p}pre_layrnorm.bias"),
    ] + CLIPEncoderNames.blockRows + [
        NameRow(.fcNormWeight, "{p}post_layernorm.weight"), NameRow(.fcNormBias, "{p}post_layernorm.bias"),
        NameRow(.imageProjection, "visual_projection.weight"),
    ], writePrefix: { c in c.projectionDim > 0 ? "vision_model." : "" })

    /// OpenCLIP's `VisionTransformer` (`visual.*` in a full CLIP state dict, or bare): packed
    /// `in_proj`, `ln_post` over every token, `proj` stored `[D, P]`.
    static let openclip = FamilyNaming(family: "clip", convention: .openclip, prefixes: ["visual.", ""], packedQKV: true, rows: [
        NameRow(.patchWeight, "{p}conv1.weight"),
        NameRow(.clsToken, "{p}class_embedding", layout: .squeezed(fileRank: 1)),
        NameRow(.posEmbed, "{p}positional_embedding", layout: .squeezed(fileRank: 2)),
        NameRow(.normPreWeight, "{p}ln_pre.weight"), NameRow(.normPreBias, "{p}ln_pre.bias"),
        NameRow(.norm1Weight, "{p}transformer.resblocks.{i}.ln_1.weight"), NameRow(.norm1Bias, "{p}transformer.resblocks.{i}.ln_1.bias"),
        NameRow(.qkvWeight, "{p}transformer.resblocks.{i}.attn.in_proj_weight"), NameRow(.qkvBias, "{p}transformer.resblocks.{i}.attn.in_proj_bias"),
        NameRow(.projWeight, "{p}transformer.resblocks.{i}.attn.out_proj.weight"), NameRow(.projBias, "{p}transformer.resblocks.{i}.attn.out_proj.bias"),
        NameRow(.ls1, "{p}transformer.resblocks.{i}.ls_1.gamma"),
        NameRow(.norm2Weight, "{p}transformer.resblocks.{i}.ln_2.weight"), NameRow(.norm2Bias, "{p}transformer.resblocks.{i}.ln_2.bias"),
        NameRow(.fc1Weight, "{p}transformer.resblocks.{i}.mlp.c_fc.weight"), NameRow(.fc1Bias, "{p}transformer.resblocks.{i}.mlp.c_fc.bias"),
        NameRow(.fc2Weight, "{p}transformer.resblocks.{i}.mlp.c_proj.weight"), NameRow(.fc2Bias, "{p}transformer.resblocks.{i}.mlp.c_proj.bias"),
        NameRow(.ls2, "{p}transformer.resblocks.{i}.ls_2.gamma"),
        NameRow(.normWeight, "{p}ln_post.weight"), NameRow(.normBias, "{p}ln_post.bias"),
        NameRow(.imageProjection, "{p}proj", layout: .transposed),
    ], writePrefix: { _ in "visual." })
}
