import Graph

/// SigLIP / SigLIP 2 image towers: no class token, a final norm over every token, attention pooling
/// with a learned probe (MAP), tanh-GELU in transformers (timm's ports keep erf-GELU). SigLIP 2's
/// transformers layout: `SigLIPFamily+SigLIP2`.
struct SigLIPFamily: ModelFamily {
    let name = "siglip"
    let hfModelTypes = ["siglip_vision_model", "siglip", "siglip2_vision_model", "siglip2"]
    var namings: [FamilyNaming] { [SigLIPNames.hf] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        let vision = json["vision_config"] as? [String: Any] ?? json
        var h = try HFConfigFields.hints(vision, path: path, defaultEps: 1e-6)
        if vision["hidden_act"] == nil { h.activation = ViTActivation.geluTanh.rawValue }
        if JSONText.bool(vision["vision_use_head"]) != false { h.globalPool = ViTPooling.map.rawValue }
        h.classToken = false
        h.family = name
        h.preprocessing = nil
        if let type = json["model_type"] as? String, type.hasPrefix("siglip2") { try siglip2Hints(vision, into: &h, path: path) }
        return h
    }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard convention == .hf else { return ViTFamily().inexpressible(c, in: convention) }
        guard !c.classToken, !c.distToken, c.regTokens == 0, c.pooling == .map, c.finalNorm, !c.fcNorm, !c.normPre,
              c.patchBias, c.qkvBias, !c.layerScale, c.numClasses == 0, c.projectionDim == 0, !c.maskToken,
              c.mlpActivation != .swiglu else {
            return "a model that is not a SigLIP image tower (no class token, attention pooling, a final norm, no classifier)"
        }
        if isSigLIP2(c), c.gridSize[0] != c.gridSize[1] { return "a SigLIP 2 tower whose patch grid is not square (its position table is)" }
        return nil
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        if isSigLIP2(c) { return siglip2Config(c) }
        var j = HFConfigFields.json(c)
        j["model_type"] = "siglip_vision_model"
        j["architectures"] = ["SiglipVisionModel"]
        j["attention_dropout"] = 0.0
        j["vision_use_head"] = true
        return j
    }
}
