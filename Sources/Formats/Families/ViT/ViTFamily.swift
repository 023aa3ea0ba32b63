import Graph

/// Plain ViT and DeiT: timm's `VisionTransformer` names (which every timm ViT family shares,
/// CLIP, SigLIP and DINOv2 towers included) and transformers' `ViTModel`, `DeiTModel`, `ViTMAEModel`.
struct ViTFamily: ModelFamily {
    let name = "vit"
    let hfModelTypes = ["vit", "deit", "vit_mae"]
    var namings: [FamilyNaming] { [ViTNames.timm, ViTNames.hf] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        var h = try HFConfigFields.hints(json, path: path, defaultEps: 1e-12)
        h.family = name
        return h
    }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        switch convention {
        case .timm:
            if c.pooler { return "the Hugging Face pooler (pooler.dense)" }
            if c.normPre == c.patchBias { return "norm_pre \(c.normPre ? "with" : "without") a patch-embedding bias (timm's pre_norm drops the bias)" }
            if c.pooling == .tokenAvg { return "class-token + patch-mean pooling" }
            if c.projectionDim > 0 { return "an image projection" }
            if c.maskToken { return "a mask token" }
            if c.activation == ViTActivation.swiglu.rawValue { return "SwiGLU in a plain VisionTransformer config" }
            return nil
        case .hf:
            if !c.classToken { return "a model without a class token" }
            if c.regTokens > 0 { return "register tokens" }
            if c.layerScale { return "LayerScale (ls1/ls2)" }
            if c.fcNorm || c.pooling != .token { return "pooling other than the class token, or fc_norm" }
            if !c.posEmbedIncludesPrefix { return "a position embedding that excludes the prefix tokens" }
            if !c.finalNorm { return "a model without the final LayerNorm" }
            if c.distToken && c.numClasses == 0 { return "a headless distilled model" }
            if c.normPre || !c.patchBias || c.projectionDim > 0 || c.maskToken { return "norm_pre, a bias-free patch embedding, a projection or a mask token" }
            if c.mlpActivation == .quickGelu || c.mlpActivation == .swiglu { return "activation \(c.activation)" }
            return nil
        case .openclip:
            return "OpenCLIP naming (CLIP towers only)"
        }
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        var j = HFConfigFields.json(c)
        j["model_type"] = c.distToken ? "deit" : "vit"
        j["architectures"] = [c.numClasses == 0 ? (c.distToken ? "DeiTModel" : "ViTModel")
                              : (c.distToken ? "DeiTForImageClassificationWithTeacher" : "ViTForImageClassification")]
        j["qkv_bias"] = c.qkvBias
        j["hidden_dropout_prob"] = 0.0
        j["attention_probs_dropout_prob"] = 0.0
        j["initializer_range"] = 0.02
        j["encoder_stride"] = c.patchSize[0]
        return j
    }
}
