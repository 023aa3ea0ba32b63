import Graph

/// The naming conventions as data: for every ViT part, the names timm and Hugging Face use.
///
/// `{i}` stands for the block index; `{p}` for the Hugging Face model prefix (`vit.`, `deit.` or
/// none, as `ViTModel.save_pretrained` writes). The first spelling of each list is the one written;
/// the others are accepted when reading. An empty list means the convention has no such parameter.
enum NamingTable {
    struct Row {
        let part: ViTPart
        let timm: [String]
        let hf: [String]
    }

    static let rows: [Row] = [
        Row(part: .patchWeight, timm: ["patch_embed.proj.weight"], hf: ["{p}embeddings.patch_embeddings.projection.weight"]),
        Row(part: .patchBias, timm: ["patch_embed.proj.bias"], hf: ["{p}embeddings.patch_embeddings.projection.bias"]),
        Row(part: .clsToken, timm: ["cls_token"], hf: ["{p}embeddings.cls_token"]),
        Row(part: .distToken, timm: ["dist_token"], hf: ["{p}embeddings.distillation_token"]),
        Row(part: .regToken, timm: ["reg_token"], hf: []),
        Row(part: .posEmbed, timm: ["pos_embed"], hf: ["{p}embeddings.position_embeddings"]),
        Row(part: .norm1Weight, timm: ["blocks.{i}.norm1.weight"], hf: ["{p}encoder.layer.{i}.layernorm_before.weight"]),
        Row(part: .norm1Bias, timm: ["blocks.{i}.norm1.bias"], hf: ["{p}encoder.layer.{i}.layernorm_before.bias"]),
        Row(part: .qkvWeight, timm: ["blocks.{i}.attn.qkv.weight"], hf: []),
        Row(part: .qkvBias, timm: ["blocks.{i}.attn.qkv.bias"], hf: []),
        Row(part: .qWeight, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.query.weight"]),
        Row(part: .qBias, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.query.bias"]),
        Row(part: .kWeight, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.key.weight"]),
        Row(part: .kBias, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.key.bias"]),
        Row(part: .vWeight, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.value.weight"]),
        Row(part: .vBias, timm: [], hf: ["{p}encoder.layer.{i}.attention.attention.value.bias"]),
        Row(part: .projWeight, timm: ["blocks.{i}.attn.proj.weight"], hf: ["{p}encoder.layer.{i}.attention.output.dense.weight"]),
        Row(part: .projBias, timm: ["blocks.{i}.attn.proj.bias"], hf: ["{p}encoder.layer.{i}.attention.output.dense.bias"]),
        Row(part: .ls1, timm: ["blocks.{i}.ls1.gamma"], hf: []),
        Row(part: .norm2Weight, timm: ["blocks.{i}.norm2.weight"], hf: ["{p}encoder.layer.{i}.layernorm_after.weight"]),
        Row(part: .norm2Bias, timm: ["blocks.{i}.norm2.bias"], hf: ["{p}encoder.layer.{i}.layernorm_after.bias"]),
        Row(part: .fc1Weight, timm: ["blocks.{i}.mlp.fc1.weight"], hf: ["{p}encoder.layer.{i}.intermediate.dense.weight"]),
        Row(part: .fc1Bias, timm: ["blocks.{i}.mlp.fc1.bias"], hf: ["{p}encoder.layer.{i}.intermediate.dense.bias"]),
        Row(part: .fc2Weight, timm: ["blocks.{i}.mlp.fc2.weight"], hf: ["{p}encoder.layer.{i}.output.dense.weight"]),
        Row(part: .fc2Bias, timm: ["blocks.{i}.mlp.fc2.bias"], hf: ["{p}encoder.layer.{i}.output.dense.bias"]),
        Row(part: .ls2, timm: ["blocks.{i}.ls2.gamma"], hf: []),
        Row(part: .normWeight, timm: ["norm.weight"], hf: ["{p}layernorm.weight"]),
        Row(part: .normBias, timm: ["norm.bias"], hf: ["{p}layernorm.bias"]),
        Row(part: .fcNormWeight, timm: ["fc_norm.weight"], hf: []),
        Row(part: .fcNormBias, timm: ["fc_norm.bias"], hf: []),
        Row(part: .headWeight, timm: ["head.weight"], hf: ["classifier.weight", "cls_classifier.weight"]),
        Row(part: .headBias, timm: ["head.bias"], hf: ["classifier.bias", "cls_classifier.bias"]),
        Row(part: .headDistWeight, timm: ["head_dist.weight"], hf: ["distillation_classifier.weight"]),
        Row(part: .headDistBias, timm: ["head_dist.bias"], hf: ["distillation_classifier.bias"]),
        Row(part: .poolerWeight, timm: [], hf: ["{p}pooler.dense.weight"]),
        Row(part: .poolerBias, timm: [], hf: ["{p}pooler.dense.bias"]),
    ]

    /// Hugging Face model prefixes accepted when reading.
    static let hfPrefixes = ["vit.", "deit.", ""]

    static func spellings(_ row: Row, _ convention: NamingConvention) -> [String] {
        convention == .timm ? row.timm : row.hf
    }

    /// Reverse lookup for one convention (and, for HF, one prefix): digit-normalised name → part.
    static func lookup(_ convention: NamingConvention, prefix: String) -> [String: ViTPart] {
        var table: [String: ViTPart] = [:]
        for row in rows {
            for s in spellings(row, convention) { table[s.replacingOccurrences(of: "{p}", with: prefix)] = row.part }
        }
        return table
    }

    /// Splits a name into its digit-normalised template and the block index it carries:
    /// `blocks.3.norm1.weight` → (`blocks.{i}.norm1.weight`, 3).
    static func template(of name: String) -> (String, Int?) {
        var block: Int?
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { part -> String in
            if !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), block == nil, let v = Int(part) {
                block = v
                return "{i}"
            }
            return String(part)
        }
        return (parts.joined(separator: "."), block)
    }
}
