import Graph

/// CLIP / OpenCLIP image towers: `norm_pre`, no patch bias, QuickGELU (OpenAI) or GELU, the class
/// token normalised after the blocks, an optional bias-free projection.
///
/// The post-norm sits over every token in timm and OpenCLIP (`norm`, `ln_post`) and over the pooled
/// class token only in transformers (`post_layernorm`): for the pooled output and the projection the
/// two are the same computation (LayerNorm is per token), so converting moves it (`adapted`).
struct CLIPFamily: ModelFamily {
    let name = "clip"
    let hfModelTypes = ["clip_vision_model", "clip"]
    var namings: [FamilyNaming] { [CLIPNames.hf, CLIPNames.openclip] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        let vision = json["vision_config"] as? [String: Any] ?? json
        var h = try HFConfigFields.hints(vision, path: path, defaultEps: 1e-5)
        if vision["hidden_act"] == nil { h.activation = ViTActivation.quickGelu.rawValue }
        h.globalPool = ViTPooling.token.rawValue
        h.family = name
        h.preprocessing = nil
        return h
    }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard c.classToken, c.regTokens == 0, !c.distToken, c.posEmbedIncludesPrefix, c.pooling == .token, !c.pooler, !c.maskToken,
              c.normPre, !c.patchBias, c.finalNorm != c.fcNorm,
              c.mlpActivation == .gelu || c.mlpActivation == .quickGelu || c.mlpActivation == .geluTanh else {
            return "a model that is not a CLIP image tower (class token, norm_pre, no patch bias, class-token pooling, one post-norm, no classifier)"
        }
        if convention == .timm { return ViTFamily().inexpressible(c, in: .timm) }
        if c.numClasses > 0 { return "a classifier head (a CLIP tower ends in its projection)" }
        if convention == .hf && c.layerScale { return "LayerScale" }
        if convention == .hf && !c.qkvBias { return "attention without q/k/v biases" }
        return nil
    }

    /// `model` in the form `convention` stores: the post-norm after pooling for transformers, over
    /// every token for timm and OpenCLIP; the projection as timm's `head` with a zero bias (as timm's
    /// own converter writes it), and such a head back as a projection for the others. Tensors are
    /// shared, not copied.
    func adapted(_ model: ViTDescription, to convention: NamingConvention) -> ViTDescription {
        var out = model
        let c = model.config
        if c.pooling == .token, c.finalNorm != c.fcNorm, c.fcNorm != (convention == .hf) {
            let wantFc = convention == .hf
            let (from, to): ([ViTPart], [ViTPart]) = wantFc ? ([.normWeight, .normBias], [.fcNormWeight, .fcNormBias])
                                                          : ([.fcNormWeight, .fcNormBias], [.normWeight, .normBias])
            for (f, t) in zip(from, to) { move(&out, f, to: t) }
            out.config.fcNorm = wantFc
            out.config.finalNorm = !wantFc
        }
        if convention == .timm, c.projectionDim > 0, let p = model.tensors[ViTTensorKey(.imageProjection)] {
            move(&out, .imageProjection, to: .headWeight)
            out.tensors[ViTTensorKey(.headBias)] = Tensor(zeros: .f32, shape: [c.projectionDim])
            out.config.numClasses = p.shape[0]
            out.config.projectionDim = 0
        } else if convention != .timm, c.numClasses > 0, !c.distToken, c.projectionDim == 0,
                  let bias = model.tensors[ViTTensorKey(.headBias)], bias.floatArray().allSatisfy({ $0 == 0 }) {
            move(&out, .headWeight, to: .imageProjection)
            out.tensors[ViTTensorKey(.headBias)] = nil
            out.sourceNames[ViTTensorKey(.headBias)] = nil
            out.config.projectionDim = c.numClasses
            out.config.numClasses = 0
            out.config.labels = nil
        }
        return out
    }

    private func move(_ model: inout ViTDescription, _ from: ViTPart, to: ViTPart) {
        model.tensors[ViTTensorKey(to)] = model.tensors[ViTTensorKey(from)]
        model.tensors[ViTTensorKey(from)] = nil
        model.sourceNames[ViTTensorKey(from)] = nil
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        var j = HFConfigFields.json(c)
        j["model_type"] = "clip_vision_model"
        j["architectures"] = [c.projectionDim > 0 ? "CLIPVisionModelWithProjection" : "CLIPVisionModel"]
        if c.projectionDim > 0 { j["projection_dim"] = c.projectionDim }
        j["attention_dropout"] = 0.0
        j["initializer_range"] = 0.02
        j["initializer_factor"] = 1.0
        return j
    }
}
