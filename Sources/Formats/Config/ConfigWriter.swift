import Graph

/// Writes `config.json` in the Hugging Face or timm hub format for a `ViTConfig`, so that
/// `ViTForImageClassification.from_pretrained(dir)` or `timm.create_model(architecture, **model_args)`
/// rebuilds the same architecture.
public enum ConfigWriter {
    /// Throws `FormatError.cannotExpress` when `convention` has no way to say what `config` needs.
    public static func checkExpressible(_ c: ViTConfig, _ convention: NamingConvention) throws {
        func no(_ what: String) -> FormatError { .cannotExpress(convention: convention.rawValue, detail: what) }
        switch convention {
        case .hf:
            if !c.classToken { throw no("a model without a class token") }
            if c.regTokens > 0 { throw no("register tokens") }
            if c.layerScale { throw no("LayerScale (ls1/ls2)") }
            if c.fcNorm || c.globalPool != "token" { throw no("average pooling / fc_norm") }
            if !c.posEmbedIncludesPrefix { throw no("a position embedding that excludes the prefix tokens") }
            if !c.finalNorm { throw no("a model without the final LayerNorm") }
            if c.distToken && c.numClasses == 0 { throw no("a headless distilled model") }
        case .timm:
            if c.pooler { throw no("the Hugging Face pooler (pooler.dense)") }
        }
    }

    /// The JSON object for `convention`.
    public static func json(_ c: ViTConfig, _ convention: NamingConvention) -> [String: Any] {
        let labels = c.labels ?? (0..<c.numClasses).map { "LABEL_\($0)" }
        switch convention {
        case .hf:
            var j: [String: Any] = [
                "model_type": c.distToken ? "deit" : "vit",
                "architectures": [c.numClasses == 0 ? (c.distToken ? "DeiTModel" : "ViTModel")
                                  : (c.distToken ? "DeiTForImageClassificationWithTeacher" : "ViTForImageClassification")],
                "hidden_size": c.embedDim, "num_hidden_layers": c.depth, "num_attention_heads": c.numHeads,
                "intermediate_size": c.mlpHidden, "hidden_act": c.activation == "gelu" ? "gelu" : "gelu_pytorch_tanh",
                "layer_norm_eps": c.eps, "image_size": c.imageSize[0] == c.imageSize[1] ? c.imageSize[0] as Any : c.imageSize as Any,
                "patch_size": c.patchSize[0] == c.patchSize[1] ? c.patchSize[0] as Any : c.patchSize as Any,
                "num_channels": c.channels, "qkv_bias": c.qkvBias, "hidden_dropout_prob": 0.0,
                "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02, "encoder_stride": c.patchSize[0],
            ]
            if c.numClasses > 0 {
                j["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) })
                j["label2id"] = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
            }
            return j
        case .timm:
            let size = ["tiny", "small", "base", "large", "huge"].first { TimmArchitectures.sizes[$0]!.0 == c.embedDim } ?? "base"
            let arch = c.distToken ? "deit_\(size)_distilled_patch16_224" : "vit_\(size)_patch16_224"
            var args: [String: Any] = [
                "img_size": c.imageSize, "patch_size": c.patchSize[0], "in_chans": c.channels, "embed_dim": c.embedDim,
                "depth": c.depth, "num_heads": c.numHeads, "mlp_ratio": Double(c.mlpHidden) / Double(c.embedDim),
                "qkv_bias": c.qkvBias, "class_token": c.classToken, "reg_tokens": c.regTokens,
                "no_embed_class": !c.posEmbedIncludesPrefix, "global_pool": c.globalPool, "fc_norm": c.fcNorm,
                "num_classes": c.numClasses,
            ]
            if c.layerScale { args["init_values"] = 1e-5 }
            if !c.finalNorm && !c.fcNorm { args["final_norm"] = false }
            if c.activation == "gelu_tanh" { args["act_layer"] = "gelu_tanh" }
            let p = c.preprocessing
            var cfg: [String: Any] = [
                "input_size": [c.channels, c.imageSize[0], c.imageSize[1]], "mean": p.mean.map(Double.init),
                "std": p.std.map(Double.init), "interpolation": p.interpolation,
                "crop_pct": Double(p.crop[0]) / Double(p.resize[0]), "crop_mode": "center", "num_classes": c.numClasses,
            ]
            if let l = c.labels { cfg["label_names"] = l }
            return ["architecture": arch, "num_classes": c.numClasses, "num_features": c.embedDim,
                    "global_pool": c.globalPool, "model_args": args, "pretrained_cfg": cfg]
        }
    }

    /// Writes `config.json` for `config` into `directory`, atomically.
    public static func write(_ config: ViTConfig, _ convention: NamingConvention, directory: String) throws -> String {
        let path = (directory.isEmpty ? "." : directory) + "/config.json"
        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array((JSONText.pretty(json(config, convention)) + "\n").utf8))
        try writer.commit()
        return path
    }
}
