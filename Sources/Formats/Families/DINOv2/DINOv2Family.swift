import Graph

/// DINOv2 backbones as transformers stores them: class token and mask token, LayerScale, MLP or
/// SwiGLU, a final norm; the classifier reads the class token and the patch mean side by side.
/// With registers (`Dinov2WithRegisters*`), see `DINOv2Family+Registers`.
struct DINOv2Family: ModelFamily {
    let name = "dinov2"
    let hfModelTypes = ["dinov2", "dinov2_with_registers"]
    var namings: [FamilyNaming] { [DINOv2Names.hf] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        var h = try HFConfigFields.hints(json, path: path, defaultEps: 1e-6)
        let c = ConfigValue(json: json, path: path)
        if json["model_type"] as? String == "dinov2_with_registers" {
            // Read in timm's form (DINOv2Family+Registers): the table covers the patches only.
            h.regTokens = try c.int("num_register_tokens", ViTConfig.Limits.regTokens)
            h.posEmbedIncludesPrefix = false
            h.positionResample = ResamplePreset.timm.rawValue  // its interpolate_pos_encoding: bicubic, antialias=True
        }
        if JSONText.bool(json["use_swiglu_ffn"]) == true { h.activation = ViTActivation.swiglu.rawValue }
        if let r = try c.double("mlp_ratio", 0...64), let d = h.embedDim, h.activation != ViTActivation.swiglu.rawValue {
            h.mlpHidden = Int((Double(d) * r).rounded(.down))
        }
        h.globalPool = ViTPooling.tokenAvg.rawValue
        h.family = name
        return h
    }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard convention == .hf else { return ViTFamily().inexpressible(c, in: convention) }
        guard c.classToken, !c.distToken, c.regTokens == 0 ? c.posEmbedIncludesPrefix : !c.posEmbedIncludesPrefix, c.finalNorm, !c.fcNorm, !c.normPre,
              c.patchBias, c.layerScale, c.projectionDim == 0, !c.pooler,
              c.numClasses == 0 || c.pooling == .tokenAvg, c.mlpActivation == .gelu || c.mlpActivation == .swiglu else {
            return "a model that is not a DINOv2 backbone (class token, LayerScale, a final norm, class+mean classifier; registers outside the position table)"
        }
        return nil
    }

    /// transformers always stores the mask token: one of zeros (its initial value) is added when
    /// missing, so `Dinov2Model.from_pretrained` loads strictly; timm has none, so it is dropped.
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription {
        if convention != .hf, model.config.maskToken {
            // timm's DINOv2 has no mask token (it is unused at inference).
            var out = model
            out.config.maskToken = false
            out.tensors[ViTTensorKey(.maskToken)] = nil
            out.sourceNames[ViTTensorKey(.maskToken)] = nil
            return out
        }
        guard convention == .hf, !model.config.maskToken else { return model }
        var out = model
        out.config.maskToken = true
        out.tensors[ViTTensorKey(.maskToken)] = Tensor(zeros: .f32, shape: [1, model.config.embedDim])
        return out
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        var j = HFConfigFields.json(c)
        j.removeValue(forKey: "intermediate_size")
        j["model_type"] = "dinov2"
        j["architectures"] = [c.numClasses > 0 ? "Dinov2ForImageClassification" : "Dinov2Model"]
        let swiglu = c.mlpActivation == .swiglu
        j["use_swiglu_ffn"] = swiglu
        j["hidden_act"] = "gelu"
        j["mlp_ratio"] = swiglu ? 4.0 : Double(c.mlpHidden) / Double(c.embedDim)
        // transformers 5 refuses an integer here, and JSONSerialization writes 1.0 as 1; the value only
        // initialises `lambda1`, which the checkpoint holds (1e-5 is timm's and DINOv2's own init).
        j["layerscale_value"] = 1e-5
        j["qkv_bias"] = c.qkvBias
        j["drop_path_rate"] = 0.0
        if c.regTokens > 0 {
            j["model_type"] = "dinov2_with_registers"
            j["architectures"] = [c.numClasses > 0 ? "Dinov2WithRegistersForImageClassification" : "Dinov2WithRegistersModel"]
            j["num_register_tokens"] = c.regTokens
        }
        return j
    }
}
