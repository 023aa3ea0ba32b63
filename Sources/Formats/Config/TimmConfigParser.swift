import Graph

/// Reads timm's hub `config.json` (`architecture`, `num_classes`, `global_pool`, `model_args`,
/// `pretrained_cfg`) into `ConfigHints`. The architecture name supplies defaults that `model_args`
/// then overrides, as `timm.create_model(architecture, **model_args)` does.
///
/// Every number read is checked by `ConfigValue` against `ViTConfig.Limits` (`crop_pct` in
/// `Limits.cropPct`, `mlp_ratio` positive and at most 64, `input_size` `[C, H, W]` in range) and the
/// resulting preprocessing recipe is validated: a `FormatError.config` naming the file and key.
enum TimmConfigParser {
    static func recognises(_ json: [String: Any]) -> Bool {
        json["architecture"] != nil || json["pretrained_cfg"] != nil || json["model_args"] != nil
    }

    static func hints(from json: [String: Any], path: String) throws -> ConfigHints {
        var h = ConfigHints()
        h.sources = [path]
        h.eps = 1e-6
        if let arch = json["architecture"] as? String {
            let s = TimmArchitectures.settings(for: arch)
            h.embedDim = s.embedDim
            h.depth = s.depth
            h.numHeads = s.numHeads
            // Sizes read from a name are untrusted like any other value: out of range, they are ignored.
            if let p = s.patch, ViTConfig.Limits.imageSide.contains(p) { h.patchSize = [p, p] }
            if let img = s.imageSize, ViTConfig.Limits.imageSide.contains(img) { h.imageSize = [img, img] }
            if let e = s.eps { h.eps = e }
            h.activation = s.activation
            for family in ["clip", "siglip", "dinov2", "beit"] where arch.contains(family) { h.family = family }
            // timm resamples FlexiViT position tables bilinearly without antialias.
            if arch.contains("flexi") { h.positionResample = ResamplePreset.flexivit.rawValue }
        }
        let arch = json["architecture"] as? String ?? ""
        typealias L = ViTConfig.Limits
        let c = ConfigValue(json: json, path: path)
        h.numClasses = try c.int("num_classes", L.numClasses)
        h.globalPool = json["global_pool"] as? String
        let args = try c.object("model_args") ?? ConfigValue(json: [:], path: path, scope: "model_args.")
        if let v = try args.pair("img_size", L.imageSide) { h.imageSize = v }
        if let v = try args.pair("patch_size", L.imageSide) { h.patchSize = v }
        if let v = try args.int("embed_dim", L.embedDim) { h.embedDim = v }
        if let v = try args.int("depth", L.depth) { h.depth = v }
        if let v = try args.int("num_heads", L.numHeads) { h.numHeads = v }
        // embed_dim ≤ 65536 and mlp_ratio ≤ 64 keep the product far inside Int.
        if let r = try args.double("mlp_ratio", 0...64), let d = h.embedDim { h.mlpHidden = Int((Double(d) * r).rounded(.down)) }
        if let v = try args.int("num_classes", L.numClasses) { h.numClasses = v }
        if let v = args.json["global_pool"] as? String { h.globalPool = v }
        if let v = JSONText.bool(args.json["class_token"]) { h.classToken = v }
        if let v = try args.int("reg_tokens", L.regTokens) { h.regTokens = v }
        if let v = JSONText.bool(args.json["no_embed_class"]) { h.posEmbedIncludesPrefix = !v }
        if let v = JSONText.bool(args.json["fc_norm"]) { h.fcNorm = v }
        if TimmEvaConfig.isEva(arch) { try TimmEvaConfig.hints(&h, architecture: arch, args: args, path: path) }
        if let act = args.json["act_layer"] as? String {
            switch act {
            case "gelu": h.activation = ViTActivation.gelu.rawValue
            case "gelu_tanh": h.activation = ViTActivation.geluTanh.rawValue
            case "quick_gelu": h.activation = ViTActivation.quickGelu.rawValue
            default: throw FormatError.config(path: path, detail: "model_args.act_layer '\(act)' is not supported (gelu, gelu_tanh, quick_gelu)")
            }
        }
        if let cfg = try c.object("pretrained_cfg") {
            var size = h.imageSize
            if let input = cfg.present("input_size") {
                guard let a = input as? [Any], a.count == 3 else {
                    throw FormatError.config(path: path, detail: "'pretrained_cfg.input_size' must be [channels, height, width]")
                }
                _ = try ConfigValue.integer(a[0], L.channels) { cfg.fail("input_size", $0) }
                let hh = try ConfigValue.integer(a[1], L.imageSide) { cfg.fail("input_size", $0) }
                let ww = try ConfigValue.integer(a[2], L.imageSide) { cfg.fail("input_size", $0) }
                size = [hh, ww]
                if h.imageSize == nil { h.imageSize = size }
            }
            if let sz = size {
                let crop = try cfg.double("crop_pct", L.cropPct) ?? 0.875
                let interp = cfg.json["interpolation"] as? String ?? "bicubic"
                var p = ViTConfig.Preprocessing.timm(size: sz, cropPct: crop, interpolation: interp == "bilinear" ? "bilinear" : "bicubic")
                if let m = try cfg.floats("mean", count: 3, L.meanStd) { p.mean = m }
                if let s = try cfg.floats("std", count: 3, L.meanStd) { p.std = s }
                do { try p.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
                h.preprocessing = p
            }
            if let names = cfg.json["label_names"] as? [String], !names.isEmpty, names.count <= L.numClasses.upperBound { h.labels = names }
            if h.numClasses == nil { h.numClasses = try cfg.int("num_classes", L.numClasses) }
        }
        return h
    }
}
