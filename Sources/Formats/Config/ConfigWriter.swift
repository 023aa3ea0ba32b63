import Graph

/// Writes `config.json` for a `ViTConfig` in a convention's format, so that the library of that
/// convention rebuilds the same architecture: transformers' `from_pretrained(dir)` (through the
/// model's family, `ModelFamily.hfConfig`), `timm.create_model(architecture, **model_args)`, or
/// OpenCLIP's `model_cfg` layout (`open_clip_config.json`'s).
public enum ConfigWriter {
    /// Throws `FormatError.cannotExpress` when no family's `convention` can say what `config` needs.
    public static func checkExpressible(_ c: ViTConfig, _ convention: NamingConvention) throws {
        _ = try ModelFamilies.writer(for: ViTDescription(config: c, tensors: [:]), convention).get()
    }

    /// The JSON object for `convention` (`c` as `NamingMapper.prepared` leaves it).
    public static func json(_ c: ViTConfig, _ convention: NamingConvention) -> [String: Any] {
        switch convention {
        case .hf:
            return (ModelFamilies.named(c.family) ?? ViTFamily()).hfConfig(c)
        case .timm:
            return timm(c)
        case .openclip:
            return OpenCLIPConfig.json(c)
        }
    }

    /// timm's hub layout (`architecture`, `model_args`, `pretrained_cfg`). The architecture name
    /// carries what `model_args` cannot (a CLIP name for eps 1e-5 and `pre_norm`).
    static func timm(_ c: ViTConfig) -> [String: Any] {
        // A BEiT (timm's default has no absolute table) is timm's `Beit`, never `Eva`: their names differ.
        if !c.writtenAsBEiT && (c.rope != nil || !c.absolutePositions || c.mlpNorm || c.family == "eva" || c.family == "dinov3") {
            return TimmEvaConfig.json(c, base: timmVisionTransformer(c))
        }
        return timmVisionTransformer(c)
    }

    /// timm's hub layout for a `VisionTransformer`.
    static func timmVisionTransformer(_ c: ViTConfig) -> [String: Any] {
        let size = ["tiny", "small", "base", "large", "huge"].first { TimmArchitectures.sizes[$0]!.0 == c.embedDim } ?? "base"
        let arch: String
        if c.normPre {
            arch = c.mlpActivation == .quickGelu ? "vit_\(size)_patch16_clip_quickgelu_224" : "vit_\(size)_patch16_clip_224"
        } else {
            arch = c.distToken ? "deit_\(size)_distilled_patch16_224" : "vit_\(size)_patch16_224"
        }
        var args: [String: Any] = [
            "img_size": c.imageSize, "patch_size": c.patchSize[0], "in_chans": c.channels, "embed_dim": c.embedDim,
            "depth": c.depth, "num_heads": c.numHeads, "mlp_ratio": Double(c.mlpHidden) / Double(c.embedDim),
            "qkv_bias": c.qkvBias, "class_token": c.classToken, "reg_tokens": c.regTokens,
            "no_embed_class": !c.posEmbedIncludesPrefix, "global_pool": c.globalPool, "fc_norm": c.fcNorm,
            "num_classes": c.numClasses,
        ]
        if c.normPre { args["pre_norm"] = true }
        if c.layerScale { args["init_values"] = 1e-5 }
        if !c.finalNorm && !c.fcNorm { args["final_norm"] = false }
        switch c.mlpActivation {
        case .geluTanh: args["act_layer"] = "gelu_tanh"
        case .quickGelu: args["act_layer"] = "quick_gelu"
        default: break
        }
        let p = c.preprocessing
        var cfg: [String: Any] = [
            "input_size": [c.channels, c.imageSize[0], c.imageSize[1]], "mean": p.mean.map(Double.init),
            "std": p.std.map(Double.init), "interpolation": p.interpolation,
            "crop_pct": Double(p.crop[0]) / Double(p.resize[0]), "crop_mode": "center", "num_classes": c.numClasses,
        ]
        if let l = c.labels { cfg["label_names"] = l }
        let out: [String: Any] = ["architecture": arch, "num_classes": c.numClasses, "num_features": c.embedDim,
                                  "global_pool": c.globalPool, "model_args": args, "pretrained_cfg": cfg]
        return c.relativeBias == .absent && c.absolutePositions ? out : BEiTFamily.timmConfig(c, base: out)
    }

    /// transformers config fields typed `float`: strict configs (DINOv3's) refuse an integer there,
    /// and JSON serialisation spells an integral Double without a decimal point.
    static let hfFloatKeys = ["rope_theta", "layerscale_value", "drop_path_rate", "layer_norm_eps", "initializer_range",
                              "attention_dropout", "hidden_dropout_prob", "attention_probs_dropout_prob", "mlp_ratio"]

    /// `text` (pretty JSON, one key per line) with the `hfFloatKeys` values that are integers written as `N.0`.
    static func floatsSpelledAsFloats(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            guard let key = hfFloatKeys.first(where: { trimmed.hasPrefix("\"\($0)\" : ") }) else { return String(line) }
            let value = trimmed.dropFirst(key.count + 5)
            let number = value.hasSuffix(",") ? value.dropLast() : value
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else { return String(line) }
            return String(line.dropLast(value.count)) + number + ".0" + (value.hasSuffix(",") ? "," : "")
        }.joined(separator: "\n")
    }

    /// Writes `config.json` for `config` into `directory`, atomically.
    public static func write(_ config: ViTConfig, _ convention: NamingConvention, directory: String) throws -> String {
        let path = (directory.isEmpty ? "." : directory) + "/config.json"
        let writer = try AtomicFileWriter(path: path)
        var text = JSONText.pretty(json(config, convention))
        if convention == .hf { text = floatsSpelledAsFloats(text) }
        try writer.write(Array((text + "\n").utf8))
        try writer.commit()
        return path
    }
}
