import Graph

/// The block names transformers' CLIP-style vision encoders share (`CLIPEncoderLayer`, which
/// SigLIP reuses): `{p}encoder.layers.{i}.layer_norm1`, `self_attn.{q,k,v,out}_proj`, `layer_norm2`,
/// `mlp.fc1/fc2`.
enum CLIPEncoderNames {
    static let blockRows: [NameRow] = [
        NameRow(.norm1Weight, "{p}encoder.layers.{i}.layer_norm1.weight"), NameRow(.norm1Bias, "{p}encoder.layers.{i}.layer_norm1.bias"),
        NameRow(.qWeight, "{p}encoder.layers.{i}.self_attn.q_proj.weight"), NameRow(.qBias, "{p}encoder.layers.{i}.self_attn.q_proj.bias"),
        NameRow(.kWeight, "{p}encoder.layers.{i}.self_attn.k_proj.weight"), NameRow(.kBias, "{p}encoder.layers.{i}.self_attn.k_proj.bias"),
        NameRow(.vWeight, "{p}encoder.layers.{i}.self_attn.v_proj.weight"), NameRow(.vBias, "{p}encoder.layers.{i}.self_attn.v_proj.bias"),
        NameRow(.projWeight, "{p}encoder.layers.{i}.self_attn.out_proj.weight"), NameRow(.projBias, "{p}encoder.layers.{i}.self_attn.out_proj.bias"),
        NameRow(.norm2Weight, "{p}encoder.layers.{i}.layer_norm2.weight"), NameRow(.norm2Bias, "{p}encoder.layers.{i}.layer_norm2.bias"),
        NameRow(.fc1Weight, "{p}encoder.layers.{i}.mlp.fc1.weight"), NameRow(.fc1Bias, "{p}encoder.layers.{i}.mlp.fc1.bias"),
        NameRow(.fc2Weight, "{p}encoder.layers.{i}.mlp.fc2.weight"), NameRow(.fc2Bias, "{p}encoder.layers.{i}.mlp.fc2.bias"),
    ]
}
