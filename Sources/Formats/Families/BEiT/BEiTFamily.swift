import Graph

/// BEiT (timm `beit_*`, transformers `BeitModel` / `BeitForImageClassification`): a class token, a
/// relative position bias per block or shared (`ViTRelativePositionBias`) with or without an
/// absolute position embedding, query and value biases without a key bias, LayerScale, and either
/// mean pooling with `fc_norm` (no final norm) or the class token after a final norm.
struct BEiTFamily: ModelFamily {
    let name = "beit"
    let hfModelTypes = ["beit"]
    var namings: [FamilyNaming] { [BEiTNames.timm, BEiTNames.hf(family: name, modelPrefix: "beit.")] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        try Self.hints(json, path: path, family: name)
    }

    /// The hints of a transformers `BeitConfig` or `Data2VecVisionConfig`.
    static func hints(_ json: [String: Any], path: String, family: String) throws -> ConfigHints {
        var h = try HFConfigFields.hints(json, path: path, defaultEps: 1e-12)
        h.globalPool = JSONText.bool(json["use_mean_pooling"]) == false ? ViTPooling.token.rawValue : ViTPooling.avg.rawValue
        h.classToken = true
        h.family = family
        return h
    }

    func supportsPositions(_ c: ViTConfig) -> Bool { c.rope == nil && !c.mlpNorm }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard convention != .openclip else { return "OpenCLIP naming (CLIP towers only)" }
        // Another family's model is written as a BEiT only for the relative position bias it needs.
        guard c.relativeBias != .absent || c.family == "beit" || c.family == "data2vec_vision" else {
            return "a model without BEiT's relative position bias"
        }
        guard c.classToken, !c.distToken, c.regTokens == 0, c.posEmbedIncludesPrefix, !c.normPre, c.patchBias, !c.pooler,
              c.projectionDim == 0, !c.maskToken, c.qkvBias, c.mlpActivation == .gelu || c.mlpActivation == .geluTanh else {
            return "a model that is not a BEiT (one class token, q/v biases, GELU, no norm_pre, pooler or projection)"
        }
        let meanPooled = c.pooling == .avg && c.fcNorm && !c.finalNorm, tokenPooled = c.pooling == .token && c.finalNorm && !c.fcNorm
        guard meanPooled || tokenPooled else {
            return "BEiT pools either the patch mean with fc_norm and no final norm, or the class token after a final norm"
        }
        if convention == .timm, c.mlpActivation != .gelu { return "activation \(c.activation) in timm's Beit" }
        if convention == .timm, !c.layerScale { return "a BEiT without LayerScale in timm's config (init_values)" }
        return nil
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        Self.hfConfig(c, modelType: "beit", classes: ("BeitModel", "BeitForImageClassification"))
    }

    static func hfConfig(_ c: ViTConfig, modelType: String, classes: (String, String)) -> [String: Any] {
        var j = HFConfigFields.json(c)
        j["model_type"] = modelType
        j["architectures"] = [c.numClasses > 0 ? classes.1 : classes.0]
        j["use_absolute_position_embeddings"] = c.absolutePositions
        j["use_relative_position_bias"] = c.relativeBias == .perBlock
        j["use_shared_relative_position_bias"] = c.relativeBias == .shared
        j["use_mean_pooling"] = c.pooling == .avg
        j["layer_scale_init_value"] = c.layerScale ? 0.1 : 0.0
        j["use_mask_token"] = false
        j["drop_path_rate"] = 0.0
        j["hidden_dropout_prob"] = 0.0
        j["attention_probs_dropout_prob"] = 0.0
        return j
    }

    /// timm's `config.json` for `Beit` (`timm.create_model("beit_base_patch16_224", **model_args)`):
    /// `base` (ConfigWriter's `pretrained_cfg` and counts) with Beit's architecture and arguments.
    static func timmConfig(_ c: ViTConfig, base: [String: Any]) -> [String: Any] {
        var j = base
        j["architecture"] = "beit_base_patch16_224"
        j["model_args"] = [
            "img_size": c.imageSize, "patch_size": c.patchSize[0], "in_chans": c.channels, "embed_dim": c.embedDim,
            "depth": c.depth, "num_heads": c.numHeads, "mlp_ratio": Double(c.mlpHidden) / Double(c.embedDim),
            "qkv_bias": c.qkvBias, "use_abs_pos_emb": c.absolutePositions, "use_rel_pos_bias": c.relativeBias == .perBlock,
            "use_shared_rel_pos_bias": c.relativeBias == .shared, "global_pool": c.globalPool, "use_fc_norm": c.fcNorm,
            "init_values": 0.1, "num_classes": c.numClasses,
        ] as [String: Any]
        return j
    }
}
