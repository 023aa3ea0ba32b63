import Foundation
import Graph

/// Swin Transformer v1 parameter names: timm's (canonical, `SwinDescription`), the original
/// Microsoft checkpoints' (patch merging at the end of a stage, `head.`), and transformers' — both the
/// names `save_pretrained` writes (`attention.self.query`, …) and transformers 5's in-memory ones
/// (`attention.q_proj`, …), with or without the `swin.` prefix of the classifier; and Swin v2's: timm
/// `attn.q_bias`/`attn.v_bias` (the key has no bias, read as zeros into the packed `qkv.bias`, dropped on
/// writing: `keyBiasOmitted`), `attn.logit_scale`, `attn.cpb_mlp.*`, and transformers' `swinv2.` prefix,
/// `attention.self.logit_scale` and `continuous_position_bias_mlp.*`.
enum SwinNames {
    /// Buffers both libraries compute from the config; read and dropped, never written.
    static let computedBuffers = ["relative_position_index", "attn_mask", "relative_coords_table"]

    /// Whether tensors with these names are a Swin (v1 or v2) checkpoint.
    static func recognises(_ names: some Collection<String>) -> Bool {
        names.contains {
            ($0.hasSuffix("relative_position_bias_table") || isV2Name($0)) && ($0.contains("layers.") || $0.contains("encoder.layers."))
        }
    }

    /// A Swin v2 parameter name (the continuous position bias MLP).
    static func isV2Name(_ name: String) -> Bool { name.contains(".cpb_mlp.") || name.contains(".continuous_position_bias_mlp.") }

    /// Why a Swin-like checkpoint cannot be read, or nil.
    static func unsupportedReason(_ names: some Collection<String>) -> String? {
        let v2 = names.contains(where: isV2Name), v1 = names.contains { $0.hasSuffix("relative_position_bias_table") }
        return v1 && v2 ? "both Swin v1 bias tables and Swin v2 position-bias MLPs: not one model" : nil
    }

    /// A name in canonical form: `(canonical name, qkv part)`; the part (0 q, 1 k, 2 v) is set for a
    /// transformers query/key/value tensor, whose rows make up a third of the packed `qkv`.
    /// `nil` for a computed buffer. `oldTimm`: the checkpoint keeps patch merging at the end of stages.
    /// - Throws: `FormatError.tensor` for a name that is not a Swin v1 parameter.
    static func canonical(_ name: String, oldTimm: Bool, path: String) throws -> (String, Int?)? {
        if computedBuffers.contains(where: { name.hasSuffix($0) }) { return nil }
        var n = name
        if n.hasPrefix("swin.") { n.removeFirst(5) }
        if n.hasPrefix("swinv2.") { n.removeFirst(7) }
        if n.hasPrefix("model.") { n.removeFirst(6) }
        func fail() -> FormatError { .tensor(path: path, tensor: name, detail: "not a Swin Transformer parameter") }
        let parts = n.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // transformers
        if n.hasPrefix("embeddings.patch_embeddings.projection.") { return ("patch_embed.proj." + parts.last!, nil) }
        if n.hasPrefix("embeddings.norm.") { return ("patch_embed.norm." + parts.last!, nil) }
        if n.hasPrefix("layernorm.") { return ("norm." + parts.last!, nil) }
        if n.hasPrefix("classifier.") { return ("head.fc." + parts.last!, nil) }
        if parts.count >= 5, parts[0] == "encoder", parts[1] == "layers", let s = Int(parts[2]), s >= 0, s < 64 {
            if parts[3] == "downsample" { return ("layers.\(s + 1).downsample." + parts[4...].joined(separator: "."), nil) }
            guard parts[3] == "blocks", parts.count >= 7, let b = Int(parts[4]), b >= 0, b < 1024 else { throw fail() }
            let p = "layers.\(s).blocks.\(b).", rest = parts[5...].joined(separator: ".")
            let kind = parts.last!
            let table: [String: String] = [
                "layernorm_before.\(kind)": "norm1.\(kind)", "layernorm_after.\(kind)": "norm2.\(kind)",
                "attention.self.relative_position_bias_table": "attn.relative_position_bias_table",
                "attention.relative_position_bias.relative_position_bias_table": "attn.relative_position_bias_table",
                "attention.output.dense.\(kind)": "attn.proj.\(kind)", "attention.o_proj.\(kind)": "attn.proj.\(kind)",
                "intermediate.dense.\(kind)": "mlp.fc1.\(kind)", "output.dense.\(kind)": "mlp.fc2.\(kind)",
                "mlp.fc1.\(kind)": "mlp.fc1.\(kind)", "mlp.fc2.\(kind)": "mlp.fc2.\(kind)",
                "attention.self.logit_scale": "attn.logit_scale",
            ]
            if let t = table[rest] { return (p + t, nil) }
            let cpb = "attention.self.continuous_position_bias_mlp."
            if rest.hasPrefix(cpb) { return (p + "attn.cpb_mlp." + rest.dropFirst(cpb.count), nil) }
            let qkv = ["attention.self.query.\(kind)": 0, "attention.self.key.\(kind)": 1, "attention.self.value.\(kind)": 2,
                       "attention.q_proj.\(kind)": 0, "attention.k_proj.\(kind)": 1, "attention.v_proj.\(kind)": 2]
            if let i = qkv[rest], kind == "weight" || kind == "bias" { return (p + "attn.qkv.\(kind)", i) }
            throw fail()
        }
        // timm, and the original checkpoints timm's checkpoint_filter_fn reads
        if oldTimm, parts.count >= 4, parts[0] == "layers", let s = Int(parts[1]), s >= 0, s < 64, parts[2] == "downsample" {
            return ("layers.\(s + 1).downsample." + parts[3...].joined(separator: "."), nil)
        }
        if oldTimm, n.hasPrefix("head."), !n.hasPrefix("head.fc.") { return ("head.fc." + parts.last!, nil) }
        if n.hasSuffix(".attn.q_bias") { return (String(n.dropLast("q_bias".count)) + "qkv.bias", 0) }
        if n.hasSuffix(".attn.v_bias") { return (String(n.dropLast("v_bias".count)) + "qkv.bias", 2) }
        return (n, nil)
    }

    /// The transformers name `save_pretrained` writes for canonical `name` (with `prefix` `swin.` for a
    /// classifier); q, k and v come from `qkvNames`.
    static func hfName(_ name: String, prefix: String) -> String {
        let parts = name.split(separator: ".").map(String.init)
        let kind = parts.last ?? ""
        if name.hasPrefix("patch_embed.proj.") { return prefix + "embeddings.patch_embeddings.projection." + kind }
        if name.hasPrefix("patch_embed.norm.") { return prefix + "embeddings.norm." + kind }
        if name.hasPrefix("norm.") { return prefix + "layernorm." + kind }
        if name.hasPrefix("head.fc.") { return "classifier." + kind }
        if parts.count >= 4, parts[0] == "layers", let s = Int(parts[1]) {
            if parts[2] == "downsample" { return prefix + "encoder.layers.\(s - 1).downsample." + parts[3...].joined(separator: ".") }
            let p = prefix + "encoder.layers.\(s).blocks.\(parts[3]).", rest = parts[4...].joined(separator: ".")
            let table = ["norm1.\(kind)": "layernorm_before.\(kind)", "norm2.\(kind)": "layernorm_after.\(kind)",
                         "attn.relative_position_bias_table": "attention.self.relative_position_bias_table",
                         "attn.proj.\(kind)": "attention.output.dense.\(kind)", "mlp.fc1.\(kind)": "intermediate.dense.\(kind)",
                         "mlp.fc2.\(kind)": "output.dense.\(kind)", "attn.logit_scale": "attention.self.logit_scale"]
            if rest.hasPrefix("attn.cpb_mlp.") { return p + "attention.self.continuous_position_bias_mlp." + rest.dropFirst("attn.cpb_mlp.".count) }
            return p + (table[rest] ?? rest)
        }
        return prefix + name
    }

    /// The transformers names of a packed `qkv` tensor's q, k and v thirds.
    static func qkvNames(_ name: String, prefix: String) -> [String] {
        let parts = name.split(separator: ".").map(String.init)
        let p = prefix + "encoder.layers.\(parts[1]).blocks.\(parts[3]).attention.self."
        return ["query", "key", "value"].map { p + $0 + "." + (parts.last ?? "") }
    }

    /// `model`'s tensors under `convention`'s names (timm: canonical; hf: `save_pretrained`'s, q/k/v
    /// split as zero-copy row slices). A Swin v2's packed `qkv.bias` is written as its q and v thirds
    /// (timm `q_bias`/`v_bias`, transformers `query.bias`/`value.bias`), the key third dropped.
    /// - Throws: `FormatError.cannotExpress` for a convention that has no Swin names, or a Swin v2
    ///   whose key bias is not zero (neither library has a place for it; with cosine attention it
    ///   changes the output).
    static func named(_ model: SwinDescription, _ convention: NamingConvention) throws -> [String: Tensor] {
        let v2 = model.config.isV2
        if v2 {
            for (name, t) in model.tensors where name.hasSuffix(".attn.qkv.bias") {
                let third = t.shape[0] / 3
                guard t.slice(rows: third..<(2 * third)).floatArray().allSatisfy({ $0 == 0 }) else {
                    throw FormatError.cannotExpress(convention: convention.rawValue, detail: "Swin v2 '\(name)' has a non-zero key bias, which Swin v2 files cannot hold")
                }
            }
        }
        switch convention {
        case .timm:
            guard v2 else { return model.tensors }
            var out: [String: Tensor] = [:]
            for (name, t) in model.tensors {
                if name.hasSuffix(".attn.qkv.bias") {
                    let third = t.shape[0] / 3, base = String(name.dropLast("qkv.bias".count))
                    out[base + "q_bias"] = t.slice(rows: 0..<third)
                    out[base + "v_bias"] = t.slice(rows: (2 * third)..<(3 * third))
                } else {
                    out[name] = t
                }
            }
            return out
        case .hf:
            let prefix = model.config.numClasses > 0 ? (v2 ? "swinv2." : "swin.") : ""
            var out: [String: Tensor] = [:]
            for (name, t) in model.tensors {
                if name.hasSuffix(".attn.qkv.weight") || name.hasSuffix(".attn.qkv.bias") {
                    let third = t.shape[0] / 3
                    for (i, n) in qkvNames(name, prefix: prefix).enumerated() where !(v2 && i == 1 && name.hasSuffix(".bias")) {
                        out[n] = t.slice(rows: (i * third)..<((i + 1) * third))
                    }
                } else {
                    out[hfName(name, prefix: prefix)] = t
                }
            }
            return out
        default:
            throw FormatError.cannotExpress(convention: convention.rawValue, detail: "a Swin Transformer (it has timm and hf names only)")
        }
    }
}
