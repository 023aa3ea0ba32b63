import Graph

/// The `config.json` keys every transformers vision config shares (`hidden_size`,
/// `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `layer_norm_eps`, `image_size`,
/// `patch_size`, `hidden_act`, `id2label`), each checked by `ConfigValue` against `ViTConfig.Limits`.
enum HFConfigFields {
    /// The hints those keys give; `eps` defaults to `defaultEps` (each family's class default).
    static func hints(_ json: [String: Any], path: String, defaultEps: Double) throws -> ConfigHints {
        var h = ConfigHints()
        h.sources = [path]
        let c = ConfigValue(json: json, path: path)
        typealias L = ViTConfig.Limits
        h.embedDim = try c.int("hidden_size", L.embedDim)
        h.depth = try c.int("num_hidden_layers", L.depth)
        h.numHeads = try c.int("num_attention_heads", L.numHeads)
        h.mlpHidden = try c.int("intermediate_size", L.mlpHidden)
        h.eps = try c.double("layer_norm_eps", L.eps) ?? defaultEps
        h.imageSize = try c.pair("image_size", L.imageSide)
        h.patchSize = try c.pair("patch_size", L.imageSide)
        if let act = json["hidden_act"] as? String { h.activation = try activation(act, path: path) }
        if let id2label = json["id2label"] as? [String: Any] {
            let pairs = id2label.compactMap { k, v -> (Int, String)? in
                guard let i = Int(k), let s = v as? String else { return nil }
                return (i, s)
            }.sorted { $0.0 < $1.0 }
            if !pairs.isEmpty, pairs.count <= L.numClasses.upperBound, pairs.map(\.0) == Array(0..<pairs.count) {
                h.labels = pairs.map(\.1)
                h.numClasses = pairs.count
            }
        }
        if let size = h.imageSize { h.preprocessing = .huggingFace(size: size) }
        return h
    }

    /// transformers' `hidden_act` names → `ViTActivation`.
    static func activation(_ name: String, path: String) throws -> String {
        switch name {
        case "gelu": return ViTActivation.gelu.rawValue
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": return ViTActivation.geluTanh.rawValue
        case "quick_gelu": return ViTActivation.quickGelu.rawValue
        default:
            throw FormatError.config(path: path, detail: "hidden_act '\(name)' is not supported (gelu, gelu_new, gelu_pytorch_tanh, quick_gelu)")
        }
    }

    /// `ViTActivation` → the name transformers writes.
    static func hiddenAct(_ activation: String) -> String {
        switch ViTActivation(rawValue: activation) {
        case .geluTanh: return "gelu_pytorch_tanh"
        case .quickGelu: return "quick_gelu"
        default: return "gelu"
        }
    }

    /// The shared keys for writing.
    static func json(_ c: ViTConfig) -> [String: Any] {
        var j: [String: Any] = [
            "hidden_size": c.embedDim, "num_hidden_layers": c.depth, "num_attention_heads": c.numHeads,
            "intermediate_size": c.mlpHidden, "hidden_act": hiddenAct(c.activation), "layer_norm_eps": c.eps,
            "image_size": c.imageSize[0] == c.imageSize[1] ? c.imageSize[0] as Any : c.imageSize as Any,
            "patch_size": c.patchSize[0] == c.patchSize[1] ? c.patchSize[0] as Any : c.patchSize as Any,
            "num_channels": c.channels,
        ]
        if c.numClasses > 0 {
            let labels = c.labels ?? (0..<c.numClasses).map { "LABEL_\($0)" }
            j["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) })
            j["label2id"] = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        }
        return j
    }
}
