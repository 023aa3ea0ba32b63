import Graph

/// Reads timm's hub `config.json` (`architecture`, `num_classes`, `global_pool`, `model_args`,
/// `pretrained_cfg`) into `ConfigHints`. The architecture name supplies defaults that `model_args`
/// then overrides, as `timm.create_model(architecture, **model_args)` does.
enum TimmConfigParser {
    static func recognises(_ json: [String: Any]) -> Bool {
        json["architecture"] != nil || json["pretrained_cfg"] != nil || json["model_args"] != nil
    }

    static func hints(from json: [String: Any], path: String) throws -> ConfigHints {
        var h = ConfigHints()
        h.sources = [path]
        h.eps = 1e-6
        if let arch = json["architecture"] as? String {
            guard let s = TimmArchitectures.settings(for: arch) else {
                throw FormatError.config(path: path, detail: "architecture '\(arch)' is not a ViT/DeiT vitopt knows")
            }
            h.embedDim = s.embedDim
            h.depth = s.depth
            h.numHeads = s.numHeads
            h.patchSize = [s.patch, s.patch]
            if let img = s.imageSize { h.imageSize = [img, img] }
        }
        h.numClasses = JSONText.int(json["num_classes"])
        h.globalPool = json["global_pool"] as? String
        let args = json["model_args"] as? [String: Any] ?? [:]
        if let v = HFConfigParser.pair(args["img_size"]) { h.imageSize = v }
        if let v = HFConfigParser.pair(args["patch_size"]) { h.patchSize = v }
        if let v = JSONText.int(args["embed_dim"]) { h.embedDim = v }
        if let v = JSONText.int(args["depth"]) { h.depth = v }
        if let v = JSONText.int(args["num_heads"]) { h.numHeads = v }
        if let r = JSONText.double(args["mlp_ratio"]), let d = h.embedDim { h.mlpHidden = Int(Double(d) * r) }
        if let v = JSONText.int(args["num_classes"]) { h.numClasses = v }
        if let v = args["global_pool"] as? String { h.globalPool = v }
        if let v = JSONText.bool(args["class_token"]) { h.classToken = v }
        if let v = JSONText.int(args["reg_tokens"]) { h.regTokens = v }
        if let v = JSONText.bool(args["no_embed_class"]) { h.posEmbedIncludesPrefix = !v }
        if let v = JSONText.bool(args["fc_norm"]) { h.fcNorm = v }
        if let cfg = json["pretrained_cfg"] as? [String: Any] {
            var size = h.imageSize
            if let input = cfg["input_size"] as? [Any], input.count == 3, let hh = JSONText.int(input[1]), let ww = JSONText.int(input[2]) {
                size = [hh, ww]
                if h.imageSize == nil { h.imageSize = size }
            }
            if let sz = size {
                let crop = JSONText.double(cfg["crop_pct"]) ?? 0.875
                let interp = cfg["interpolation"] as? String ?? "bicubic"
                var p = ViTConfig.Preprocessing.timm(size: sz, cropPct: crop, interpolation: interp == "bilinear" ? "bilinear" : "bicubic")
                if let m = (cfg["mean"] as? [Any])?.compactMap({ JSONText.double($0).map(Float.init) }), m.count == 3 { p.mean = m }
                if let s = (cfg["std"] as? [Any])?.compactMap({ JSONText.double($0).map(Float.init) }), s.count == 3 { p.std = s }
                h.preprocessing = p
            }
            if let names = cfg["label_names"] as? [String], !names.isEmpty { h.labels = names }
            if h.numClasses == nil { h.numClasses = JSONText.int(cfg["num_classes"]) }
        }
        return h
    }
}
