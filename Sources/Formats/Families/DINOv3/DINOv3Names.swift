import Graph

/// transformers' `DINOv3ViTModel` parameter names (timm's are `EvaNames.timm`): `embeddings.*`
/// with `register_tokens`, `layer.{i}` (`model.layer.{i}` in memory) with `attention.{q,k,v,o}_proj`
/// (the key without bias), `layer_scale{1,2}.lambda1`, `mlp.up_proj` / `down_proj` or the gated
/// `gate_proj` + `up_proj`, and the final `norm`.
enum DINOv3Names {
    static let hf = FamilyNaming(family: "dinov3", convention: .hf, prefixes: [""], packedQKV: false, keyBiasOmitted: true, rows: [
        NameRow(.patchWeight, "embeddings.patch_embeddings.weight"), NameRow(.patchBias, "embeddings.patch_embeddings.bias"),
        NameRow(.clsToken, "embeddings.cls_token"), NameRow(.regToken, "embeddings.register_tokens"),
        NameRow(.norm1Weight, "layer.{i}.norm1.weight", "model.layer.{i}.norm1.weight"),
        NameRow(.norm1Bias, "layer.{i}.norm1.bias", "model.layer.{i}.norm1.bias"),
        NameRow(.qWeight, "layer.{i}.attention.q_proj.weight", "model.layer.{i}.attention.q_proj.weight"),
        NameRow(.qBias, "layer.{i}.attention.q_proj.bias", "model.layer.{i}.attention.q_proj.bias"),
        NameRow(.kWeight, "layer.{i}.attention.k_proj.weight", "model.layer.{i}.attention.k_proj.weight"),
        NameRow(.vWeight, "layer.{i}.attention.v_proj.weight", "model.layer.{i}.attention.v_proj.weight"),
        NameRow(.vBias, "layer.{i}.attention.v_proj.bias", "model.layer.{i}.attention.v_proj.bias"),
        NameRow(.projWeight, "layer.{i}.attention.o_proj.weight", "model.layer.{i}.attention.o_proj.weight"),
        NameRow(.projBias, "layer.{i}.attention.o_proj.bias", "model.layer.{i}.attention.o_proj.bias"),
        NameRow(.ls1, "layer.{i}.layer_scale1.lambda1", "model.layer.{i}.layer_scale1.lambda1"),
        NameRow(.norm2Weight, "layer.{i}.norm2.weight", "model.layer.{i}.norm2.weight"),
        NameRow(.norm2Bias, "layer.{i}.norm2.bias", "model.layer.{i}.norm2.bias"),
        // The gated MLP's gate and up projections are the two halves of SwiGLU's fc1, gate first;
        // a lone up_proj is the plain MLP's fc1.
        NameRow(.fc1Weight, "layer.{i}.mlp.gate_proj.weight", "model.layer.{i}.mlp.gate_proj.weight", layout: .rowBlock(index: 0, count: 2), writtenWhen: gated),
        NameRow(.fc1Weight, "layer.{i}.mlp.up_proj.weight", "model.layer.{i}.mlp.up_proj.weight", layout: .rowBlock(index: 1, count: 2), writtenWhen: gated),
        NameRow(.fc1Bias, "layer.{i}.mlp.gate_proj.bias", "model.layer.{i}.mlp.gate_proj.bias", layout: .rowBlock(index: 0, count: 2), writtenWhen: gated),
        NameRow(.fc1Bias, "layer.{i}.mlp.up_proj.bias", "model.layer.{i}.mlp.up_proj.bias", layout: .rowBlock(index: 1, count: 2), writtenWhen: gated),
        NameRow(.fc1Weight, "layer.{i}.mlp.up_proj.weight", writtenWhen: { !gated($0) }),
        NameRow(.fc1Bias, "layer.{i}.mlp.up_proj.bias", writtenWhen: { !gated($0) }),
        NameRow(.fc2Weight, "layer.{i}.mlp.down_proj.weight", "model.layer.{i}.mlp.down_proj.weight"),
        NameRow(.fc2Bias, "layer.{i}.mlp.down_proj.bias", "model.layer.{i}.mlp.down_proj.bias"),
        NameRow(.ls2, "layer.{i}.layer_scale2.lambda1", "model.layer.{i}.layer_scale2.lambda1"),
        NameRow(.normWeight, "norm.weight"), NameRow(.normBias, "norm.bias"),
    ])

    /// The mask token `DINOv3ViTModel` always stores (`[1, 1, D]`, unused at inference).
    static let maskToken = "embeddings.mask_token"

    @Sendable static func gated(_ c: ViTConfig) -> Bool { c.mlpActivation == .swiglu }
}
