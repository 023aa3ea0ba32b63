import Foundation
import Graph

/// timm's hub `config.json` for an `Eva` model, and the hints one gives: the architecture name
/// fixes what `model_args` cannot carry (LayerNorm eps: 1e-6 for `eva02_*`, 1e-5 for `*_dinov3*`)
/// and the defaults `timm.create_model` starts from; `model_args` overrides them.
enum TimmEvaConfig {
    /// Whether `architecture` names a timm `Eva` model.
    static func isEva(_ architecture: String) -> Bool {
        let base = architecture.split(separator: ".").first.map(String.init) ?? architecture
        return base.hasPrefix("eva") || base.contains("_dinov3")
    }

    /// The Eva settings of `architecture` and `model_args` (`args`) into `h`.
    /// - Throws: `FormatError.config` naming the key for a RoPE variant vitopt does not compute.
    static func hints(_ h: inout ConfigHints, architecture: String, args: ConfigValue, path: String) throws {
        let dinov3 = architecture.contains("dinov3")
        h.family = "eva"
        h.eps = dinov3 ? 1e-5 : 1e-6
        let j = args.json
        func fail(_ key: String, _ s: String) -> FormatError { .config(path: path, detail: "model_args.\(key): \(s)") }
        for key in ["use_post_norm", "qk_norm", "scale_attn_inner", "gated_attn", "attn_only_layer_scale"] where JSONText.bool(j[key]) == true {
            throw fail(key, "this timm Eva option is not supported")
        }
        if let t = j["attn_type"] as? String, t != "eva" { throw fail("attn_type", "'\(t)' is not supported (eva)") }
        if let kv = j["num_kv_heads"], !(kv is NSNull) { throw fail("num_kv_heads", "grouped-query attention is not supported") }
        let useRope = JSONText.bool(j["use_rot_pos_emb"]) ?? (dinov3 || architecture.hasPrefix("eva02"))
        guard useRope else { return }
        let type = j["rope_type"] as? String ?? (dinov3 ? "dinov3" : "cat")
        guard type == "cat" || type == "dinov3" else { throw fail("rope_type", "'\(type)' is not supported (cat, dinov3)") }
        if let idx = j["rope_grid_indexing"] as? String, idx != "ij" { throw fail("rope_grid_indexing", "'\(idx)' is not supported (ij)") }
        let temperature = try args.double("rope_temperature", 1.0001...1e12) ?? (type == "dinov3" ? 100 : 10000)
        let offset = try args.double("rope_grid_offset", -1e6...1e6) ?? 0
        let half = JSONText.bool(j["rope_rotate_half"]) ?? (type == "dinov3")
        if type == "dinov3" {
            guard half else { throw fail("rope_rotate_half", "DINOv3 RoPE with interleaved pairs is not supported") }
            h.rope = ViTRoPE(coordinates: ViTRoPE.centered, temperature: temperature, gridOffset: offset, rotateHalf: true)
        } else {
            guard !half else { throw fail("rope_rotate_half", "EVA RoPE in halves is not supported") }
            let ref = try args.pair("ref_feat_shape", ViTConfig.Limits.imageSide) ?? (architecture.hasPrefix("eva02") ? [16, 16] : nil)
            h.rope = ViTRoPE(coordinates: ViTRoPE.index, temperature: temperature, refGrid: ref, gridOffset: offset, rotateHalf: false)
        }
    }

    /// The architecture written for `c`: one whose LayerNorm eps and defaults match, or `nil`.
    static func architecture(_ c: ViTConfig) -> String? {
        if c.eps == 1e-5 { return "vit_small_patch16_dinov3" }
        if c.eps == 1e-6 { return c.rope != nil ? "eva02_tiny_patch14_224" : "eva_giant_patch14_224" }
        return nil
    }

    /// timm's hub layout for `c`: every Eva argument the model needs spelled out, so the
    /// architecture's own defaults matter only for eps.
    static func json(_ c: ViTConfig, base: [String: Any]) -> [String: Any] {
        var out = base
        out["architecture"] = architecture(c) ?? "eva02_tiny_patch14_224"
        var args = base["model_args"] as? [String: Any] ?? [:]
        for k in ["reg_tokens", "fc_norm", "no_embed_class", "pre_norm", "final_norm", "act_layer"] { args.removeValue(forKey: k) }
        args["num_reg_tokens"] = c.regTokens
        args["no_embed_class"] = !c.posEmbedIncludesPrefix
        args["use_fc_norm"] = c.fcNorm
        args["use_post_transformer_norm"] = c.finalNorm
        args["use_pre_transformer_norm"] = c.normPre
        args["init_values"] = c.layerScale ? 1e-5 as Any : NSNull()
        let swiglu = c.mlpActivation == .swiglu
        args["swiglu_mlp"] = swiglu
        args["swiglu_align_to"] = 0
        args["scale_mlp"] = c.mlpNorm
        args["use_abs_pos_emb"] = c.absolutePositions
        args["use_rot_pos_emb"] = c.rope != nil
        args["dynamic_img_size"] = false
        args["qkv_fused"] = true
        if let r = c.rope {
            args["rope_type"] = r.coordinates == ViTRoPE.centered ? "dinov3" : "cat"
            args["rope_temperature"] = r.temperature
            args["rope_rotate_half"] = r.rotateHalf
            args["rope_grid_offset"] = r.gridOffset
            args["ref_feat_shape"] = r.refGrid.map { $0 as Any } ?? NSNull()
        }
        out["model_args"] = args
        return out
    }
}
