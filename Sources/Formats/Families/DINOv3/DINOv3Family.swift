import Graph

/// DINOv3 backbones as transformers stores them (`DINOv3ViTModel`): class and register tokens, no
/// position table but DINOv3's RoPE (`rope_theta`), LayerScale, q/v biases without a key bias, a
/// plain or gated MLP, the final norm; the pooled output is the normalised class token. timm's ports
/// of the same weights are `EvaFamily` models.
struct DINOv3Family: ModelFamily {
    let name = "dinov3"
    let hfModelTypes = ["dinov3_vit"]
    var namings: [FamilyNaming] { [DINOv3Names.hf, EvaNames.timm] }
    func supportsPositions(_ c: ViTConfig) -> Bool { c.relativeBias == .absent }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        let gated = JSONText.bool(json["use_gated_mlp"]) == true
        var plain = json
        if gated {
            let act = json["hidden_act"] as? String ?? "silu"
            guard act == "silu" || act == "swish" else {
                throw FormatError.config(path: path, detail: "a gated MLP with hidden_act '\(act)' is not supported (silu)")
            }
            plain["hidden_act"] = nil
        }
        for key in ["proj_bias", "mlp_bias"] where JSONText.bool(json[key]) == false {
            throw FormatError.config(path: path, detail: "\(key) = false is not supported (vitopt's attention output and MLP layers have biases)")
        }
        var h = try HFConfigFields.hints(plain, path: path, defaultEps: 1e-5)
        let c = ConfigValue(json: json, path: path)
        if gated { h.activation = ViTActivation.swiglu.rawValue }
        h.regTokens = try c.int("num_register_tokens", ViTConfig.Limits.regTokens) ?? 0
        h.rope = .dinov3(temperature: try c.double("rope_theta", 1.0001...1e12) ?? 100)
        h.globalPool = ViTPooling.token.rawValue
        h.numClasses = 0
        h.family = name
        return h
    }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard convention == .hf else { return convention == .timm ? EvaFamily().inexpressible(c, in: .timm) : "OpenCLIP naming (CLIP towers only)" }
        guard c.classToken, !c.distToken, !c.absolutePositions, c.rope == .dinov3(temperature: c.rope?.temperature ?? 100),
              c.layerScale, c.finalNorm, !c.fcNorm, !c.normPre, c.patchBias, c.projectionDim == 0, !c.pooler, !c.mlpNorm,
              c.numClasses == 0, c.pooling == .token || c.pooling == .avg, c.mlpActivation == .gelu || c.mlpActivation == .swiglu else {
            return "a model that is not a DINOv3 backbone (class and register tokens, DINOv3 RoPE and no position table, LayerScale, a final norm, no classifier)"
        }
        return nil
    }

    /// transformers always stores the (unused) mask token `[1, 1, D]`: one of zeros (its initial
    /// value) is added when missing, so `DINOv3ViTModel.from_pretrained` loads strictly; timm has
    /// none, so it is dropped. Its pooled output is the class token.
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription {
        var out = model
        if convention == .hf {
            if out.extras[DINOv3Names.maskToken] == nil {
                out.extras[DINOv3Names.maskToken] = Tensor(zeros: .f32, shape: [1, 1, model.config.embedDim])
            }
            out.config.globalPool = ViTPooling.token.rawValue
        } else {
            out.extras[DINOv3Names.maskToken] = nil
        }
        return out
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        var j = HFConfigFields.json(c)
        let gated = c.mlpActivation == .swiglu
        j["model_type"] = "dinov3_vit"
        j["architectures"] = ["DINOv3ViTModel"]
        j["hidden_act"] = gated ? "silu" : "gelu"
        j["use_gated_mlp"] = gated
        j["num_register_tokens"] = c.regTokens
        j["rope_theta"] = c.rope?.temperature ?? 100
        j["query_bias"] = c.qkvBias
        j["key_bias"] = false
        j["value_bias"] = c.qkvBias
        j["proj_bias"] = true
        j["mlp_bias"] = true
        j["layerscale_value"] = 1.0
        j["drop_path_rate"] = 0.0
        return j
    }
}
