import Graph

/// OpenCLIP's model config (`open_clip_config.json` on the hub: `model_cfg.vision_cfg` with `width`,
/// `layers`, `head_width`, `patch_size`, `image_size`, `mlp_ratio`; `model_cfg.quick_gelu`;
/// `model_cfg.embed_dim`, the projection width). LayerNorm eps is OpenCLIP's 1e-5.
enum OpenCLIPConfig {
    static func recognises(_ json: [String: Any]) -> Bool {
        (json["model_cfg"] as? [String: Any])?["vision_cfg"] != nil || json["vision_cfg"] != nil
    }

    static func hints(from json: [String: Any], path: String) throws -> ConfigHints {
        let model = json["model_cfg"] as? [String: Any] ?? json
        let scope = json["model_cfg"] != nil ? "model_cfg.vision_cfg." : "vision_cfg."
        let vision = ConfigValue(json: model["vision_cfg"] as? [String: Any] ?? [:], path: path, scope: scope)
        typealias L = ViTConfig.Limits
        var h = ConfigHints()
        h.sources = [path]
        h.family = "clip"
        h.globalPool = ViTPooling.token.rawValue
        h.eps = 1e-5
        h.embedDim = try vision.int("width", L.embedDim)
        h.depth = try vision.int("layers", L.depth)
        h.imageSize = try vision.pair("image_size", L.imageSide)
        h.patchSize = try vision.pair("patch_size", L.imageSide)
        if let hw = try vision.int("head_width", L.embedDim) ?? 64 as Int?, let d = h.embedDim, hw > 0, d % hw == 0 { h.numHeads = d / hw }
        h.activation = JSONText.bool(model["quick_gelu"]) == true ? ViTActivation.quickGelu.rawValue : ViTActivation.gelu.rawValue
        if let size = h.imageSize {
            h.preprocessing = .timm(size: size, cropPct: 1, interpolation: "bicubic",
                                    mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711])
        }
        return h
    }

    static func json(_ c: ViTConfig) -> [String: Any] {
        let vision: [String: Any] = [
            "image_size": c.imageSize[0] == c.imageSize[1] ? c.imageSize[0] as Any : c.imageSize as Any,
            "layers": c.depth, "width": c.embedDim, "head_width": c.embedDim / max(c.numHeads, 1),
            "patch_size": c.patchSize[0], "mlp_ratio": Double(c.mlpHidden) / Double(c.embedDim),
        ]
        let p = c.preprocessing
        return ["model_cfg": ["embed_dim": c.projectionDim, "quick_gelu": c.mlpActivation == .quickGelu, "vision_cfg": vision] as [String: Any],
                "preprocess_cfg": ["mean": p.mean.map(Double.init), "std": p.std.map(Double.init), "interpolation": p.interpolation] as [String: Any]]
    }
}
