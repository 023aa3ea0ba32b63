import Graph

/// Reads Hugging Face `config.json` (ViT/DeiT) and `preprocessor_config.json` into `ConfigHints`.
enum HFConfigParser {
    /// Whether `json` looks like a transformers config.
    static func recognises(_ json: [String: Any]) -> Bool {
        json["model_type"] != nil || json["hidden_size"] != nil
    }

    static func hints(from json: [String: Any], path: String) throws -> ConfigHints {
        var h = ConfigHints()
        h.sources = [path]
        if let t = json["model_type"] as? String, !["vit", "deit"].contains(t) {
            throw FormatError.config(path: path, detail: "model_type '\(t)' is not a ViT (vit, deit)")
        }
        h.embedDim = JSONText.int(json["hidden_size"])
        h.depth = JSONText.int(json["num_hidden_layers"])
        h.numHeads = JSONText.int(json["num_attention_heads"])
        h.mlpHidden = JSONText.int(json["intermediate_size"])
        h.eps = JSONText.double(json["layer_norm_eps"]) ?? 1e-12
        h.imageSize = pair(json["image_size"])
        h.patchSize = pair(json["patch_size"])
        if let act = json["hidden_act"] as? String {
            switch act {
            case "gelu": h.activation = "gelu"
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": h.activation = "gelu_tanh"
            default: throw FormatError.config(path: path, detail: "hidden_act '\(act)' is not supported (gelu, gelu_new, gelu_pytorch_tanh)")
            }
        }
        if let id2label = json["id2label"] as? [String: Any] {
            let pairs = id2label.compactMap { k, v -> (Int, String)? in
                guard let i = Int(k), let s = v as? String else { return nil }
                return (i, s)
            }.sorted { $0.0 < $1.0 }
            if !pairs.isEmpty, pairs.map(\.0) == Array(0..<pairs.count) {
                h.labels = pairs.map(\.1)
                h.numClasses = pairs.count
            }
        }
        if let size = h.imageSize { h.preprocessing = .huggingFace(size: size) }
        return h
    }

    /// Preprocessing from a `preprocessor_config.json` (ViTImageProcessor).
    static func preprocessing(from json: [String: Any], imageSize: [Int]?) -> ViTConfig.Preprocessing? {
        var size = imageSize
        if let s = json["size"] as? [String: Any], let hh = JSONText.int(s["height"]), let ww = JSONText.int(s["width"]) {
            size = [hh, ww]
        } else if let s = JSONText.int(json["size"]) {
            size = [s, s]
        }
        guard let sz = size else { return nil }
        let mean = (json["image_mean"] as? [Any])?.compactMap { JSONText.double($0).map(Float.init) }
        let std = (json["image_std"] as? [Any])?.compactMap { JSONText.double($0).map(Float.init) }
        var p = ViTConfig.Preprocessing.huggingFace(size: sz)
        if let m = mean, m.count == 3 { p.mean = m }
        if let s = std, s.count == 3 { p.std = s }
        if let r = JSONText.int(json["resample"]) { p.interpolation = r == 3 ? "bicubic" : "bilinear" }
        return p
    }

    /// `224` or `[224, 224]` as `[h, w]`.
    static func pair(_ v: Any?) -> [Int]? {
        if let n = JSONText.int(v) { return [n, n] }
        if let a = v as? [Any], a.count == 2, let x = JSONText.int(a[0]), let y = JSONText.int(a[1]) { return [x, y] }
        return nil
    }
}
