import Graph

/// DINOv2's parameter names in transformers (timm's are `ViTNames.timm`).
enum DINOv2Names {
    /// transformers `Dinov2Model` (bare) and `Dinov2ForImageClassification` (`dinov2.` prefix, a
    /// classifier over the class token and the patch mean): LayerScale `lambda1`, a mask token,
    /// `mlp.fc1/fc2` or SwiGLU's `mlp.weights_in/weights_out`. `Dinov2WithRegistersModel` adds
    /// `register_tokens` (its classifier's prefix is `dinov2_with_registers.`). transformers 5's
    /// in-memory attention names (`attention.q_proj`, …, `o_proj`), which `state_dict()` and
    /// torch.onnx exports hold, are read too.
    static let hf = FamilyNaming(family: "dinov2", convention: .hf, prefixes: ["dinov2.", "dinov2_with_registers.", ""], packedQKV: false, rows: [
        NameRow(.patchWeight, "{p}embeddings.patch_embeddings.projection.weight"),
        NameRow(.patchBias, "{p}embeddings.patch_embeddings.projection.bias"),
        NameRow(.clsToken, "{p}embeddings.cls_token"), NameRow(.maskToken, "{p}embeddings.mask_token"),
        NameRow(.posEmbed, "{p}embeddings.position_embeddings"),
        NameRow(.norm1Weight, "{p}encoder.layer.{i}.norm1.weight"), NameRow(.norm1Bias, "{p}encoder.layer.{i}.norm1.bias"),
        NameRow(.qWeight, "{p}encoder.layer.{i}.attention.attention.query.weight", "{p}encoder.layer.{i}.attention.q_proj.weight"), NameRow(.qBias, "{p}encoder.layer.{i}.attention.attention.query.bias", "{p}encoder.layer.{i}.attention.q_proj.bias"),
        NameRow(.kWeight, "{p}encoder.layer.{i}.attention.attention.key.weight", "{p}encoder.layer.{i}.attention.k_proj.weight"), NameRow(.kBias, "{p}encoder.layer.{i}.attention.attention.key.bias", "{p}encoder.layer.{i}.attention.k_proj.bias"),
        NameRow(.vWeight, "{p}encoder.layer.{i}.attention.attention.value.weight", "{p}encoder.layer.{i}.attention.v_proj.weight"), NameRow(.vBias, "{p}encoder.layer.{i}.attention.attention.value.bias", "{p}encoder.layer.{i}.attention.v_proj.bias"),
        NameRow(.projWeight, "{p}encoder.layer.{i}.attention.output.dense.weight", "{p}encoder.layer.{i}.attention.o_proj.weight"), NameRow(.projBias, "{p}encoder.layer.{i}.attention.output.dense.bias", "{p}encoder.layer.{i}.attention.o_proj.bias"),
        NameRow(.ls1, "{p}encoder.layer.{i}.layer_scale1.lambda1"),
        NameRow(.norm2Weight, "{p}encoder.layer.{i}.norm2.weight"), NameRow(.norm2Bias, "{p}encoder.layer.{i}.norm2.bias"),
        NameRow(.fc1Weight, "{p}encoder.layer.{i}.mlp.fc1.weight", "{p}encoder.layer.{i}.mlp.weights_in.weight"),
        NameRow(.fc1Bias, "{p}encoder.layer.{i}.mlp.fc1.bias", "{p}encoder.layer.{i}.mlp.weights_in.bias"),
        NameRow(.fc2Weight, "{p}encoder.layer.{i}.mlp.fc2.weight", "{p}encoder.layer.{i}.mlp.weights_out.weight"),
        NameRow(.fc2Bias, "{p}encoder.layer.{i}.mlp.fc2.bias", "{p}encoder.layer.{i}.mlp.weights_out.bias"),
        NameRow(.ls2, "{p}encoder.layer.{i}.layer_scale2.lambda1"),
        NameRow(.normWeight, "{p}layernorm.weight"), NameRow(.normBias, "{p}layernorm.bias"),
        NameRow(.headWeight, "classifier.weight"), NameRow(.headBias, "classifier.bias"),
        NameRow(.regToken, "{p}embeddings.register_tokens"),
    ], writePrefix: { c in c.numClasses == 0 ? "" : (c.regTokens > 0 ? "dinov2_with_registers." : "dinov2.") })
}
