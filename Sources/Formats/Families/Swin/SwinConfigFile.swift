import Foundation
import Graph

/// What a Swin checkpoint's `config.json` (transformers' `SwinConfig`, or timm's hub config with its
/// `model_args`) or vitopt's metadata says beyond the tensor shapes, and the `config.json` files
/// vitopt writes for each library.
struct SwinConfigFile {
    var imageSize: [Int]?
    var windowSize: Int?
    var numHeads: [Int]?
    var eps: Double?
    var labels: [String]?
    var preprocessing: ViTConfig.Preprocessing?
    /// Whether the file describes a Swin v2 (nil: it does not say).
    var isV2: Bool?
    /// Swin v2's `pretrained_window_sizes`, as the file lists them.
    var pretrainedWindowSizes: [Int]?
    /// The file the values came from, for messages.
    var source = ""

    /// vitopt's metadata key for the full `SwinConfig` as JSON.
    static let metadataKey = "vitopt.swin_config"

    /// The config in vitopt's metadata, when present (decoded values are validated by the caller).
    /// - Throws: `FormatError.config` when the entry is not a valid `SwinConfig`.
    static func fromMetadata(_ metadata: [String: String], path: String) throws -> SwinConfig? {
        guard let text = metadata[metadataKey] else { return nil }
        let dec = JSONDecoder()
        do {
            return try dec.decode(SwinConfig.self, from: Data(text.utf8))
        } catch {
            throw FormatError.config(path: path, detail: "metadata '\(metadataKey)' is not a valid Swin config: \(error)")
        }
    }

    static func metadataValue(_ c: SwinConfig) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(c)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Reads `config.json` beside `modelPath`, when there is one.
    /// - Throws: `FormatError.config` for a file that is not JSON, not a Swin's, or has values of the
    ///   wrong type.
    static func sidecar(for modelPath: String) throws -> SwinConfigFile? {
        let dir = (modelPath as NSString).deletingLastPathComponent
        let path = (dir.isEmpty ? "." : dir) + "/config.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw FormatError.io(path: path, detail: "cannot read") }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FormatError.config(path: path, detail: "not a JSON object")
        }
        func fail(_ s: String) -> FormatError { .config(path: path, detail: s) }
        func int(_ v: Any?, _ key: String) throws -> Int? {
            guard let v, !(v is NSNull) else { return nil }
            return try ConfigValue.integer(v, 0...(1 << 20)) { fail("'\(key)' \($0)") }
        }
        func ints(_ v: Any?, _ key: String) throws -> [Int]? {
            guard let v, !(v is NSNull) else { return nil }
            if !(v is [Any]) { return try int(v, key).map { [$0] } }
            guard let a = v as? [Any], a.count <= 16 else { throw fail("'\(key)' must be a list of integers") }
            return try a.map { e in
                guard let i = try int(e, key) else { throw fail("'\(key)' must be a list of integers") }
                return i
            }
        }
        var out = SwinConfigFile(source: path)
        if let type = json["model_type"] as? String {
            guard type == "swin" || type == "swinv2" else { throw fail("model_type '\(type)' is not 'swin' or 'swinv2' (the tensors are a Swin Transformer's)") }
            out.isV2 = type == "swinv2"
            if out.isV2 == true { out.pretrainedWindowSizes = try ints(json["pretrained_window_sizes"], "pretrained_window_sizes") }
            if let abs = json["use_absolute_embeddings"] as? Bool, abs {
                throw FormatError.unsupported(path: path, detail: "use_absolute_embeddings (a Swin with absolute position embeddings) is not supported")
            }
            out.imageSize = try ints(json["image_size"], "image_size").map { $0.count == 1 ? [$0[0], $0[0]] : $0 }
            out.windowSize = try int(json["window_size"], "window_size")
            out.numHeads = try ints(json["num_heads"], "num_heads")
            if let e = json["layer_norm_eps"] {
                guard let d = (e as? NSNumber)?.doubleValue, ViTConfig.Limits.eps.contains(d) else { throw fail("'layer_norm_eps' must be in (0, 1]") }
                out.eps = d
            }
            if let id2label = json["id2label"] as? [String: Any] {
                let pairs = id2label.compactMap { k, v in Int(k).flatMap { i in (v as? String).map { (i, $0) } } }
                if pairs.count == id2label.count, pairs.count <= ViTConfig.Limits.numClasses.upperBound,
                   Set(pairs.map(\.0)) == Set(0..<pairs.count) {
                    out.labels = pairs.sorted { $0.0 < $1.0 }.map(\.1)
                }
            }
            return out
        }
        if let arch = json["architecture"] as? String {
            guard arch.hasPrefix("swin") else { throw fail("architecture '\(arch)' is not a timm Swin Transformer") }
            out.isV2 = arch.hasPrefix("swinv2")
            let args = json["model_args"] as? [String: Any] ?? [:]
            if out.isV2 == true { out.pretrainedWindowSizes = try ints(args["pretrained_window_sizes"], "model_args.pretrained_window_sizes") }
            if let w = args["window_size"] as? [Any], w.count != 1 {
                throw FormatError.unsupported(path: path, detail: "model_args.window_size \(w): per-stage or non-square windows are not supported")
            }
            let cfg = json["pretrained_cfg"] as? [String: Any] ?? [:]
            out.imageSize = try ints(args["img_size"], "model_args.img_size").map { $0.count == 1 ? [$0[0], $0[0]] : $0 }
            if out.imageSize == nil, let input = try ints(cfg["input_size"], "pretrained_cfg.input_size"), input.count == 3 {
                out.imageSize = [input[1], input[2]]
            }
            // the published names carry the window: swin_tiny_patch4_window7_224
            let fromName = arch.range(of: #"window(\d+)"#, options: .regularExpression).flatMap { Int(arch[$0].dropFirst(6)) }
            out.windowSize = try int(args["window_size"], "model_args.window_size") ?? fromName
            out.numHeads = try ints(args["num_heads"], "model_args.num_heads")
            if let names = json["label_names"] as? [String] { out.labels = names }
            return out
        }
        throw fail("neither a transformers SwinConfig (model_type) nor a timm config (architecture)")
    }

    /// transformers' `config.json` for `c` (`SwinForImageClassification` or `SwinModel`).
    /// - Throws: `FormatError.cannotExpress` when the stages' MLP widths are not one `mlp_ratio`.
    static func hfJSON(_ c: SwinConfig) throws -> [String: Any] {
        let ratio = Double(c.mlpHidden[0]) / Double(c.embedDim)
        for s in 0..<c.stageCount where Int(ratio * Double(c.width(stage: s))) != c.mlpHidden[s] {
            throw FormatError.cannotExpress(convention: "hf", detail: "MLP widths \(c.mlpHidden) (transformers has one mlp_ratio)")
        }
        var j: [String: Any] = [
            "architectures": [c.isV2 ? (c.numClasses > 0 ? "Swinv2ForImageClassification" : "Swinv2Model")
                                     : (c.numClasses > 0 ? "SwinForImageClassification" : "SwinModel")],
            "model_type": c.isV2 ? "swinv2" : "swin",
            "image_size": c.imageSize[0] == c.imageSize[1] ? c.imageSize[0] as Any : c.imageSize as Any,
            "patch_size": c.patchSize, "num_channels": c.channels, "embed_dim": c.embedDim, "depths": c.depths,
            "num_heads": c.numHeads, "window_size": c.windowSize, "mlp_ratio": ratio, "qkv_bias": c.qkvBias,
            "hidden_act": "gelu", "layer_norm_eps": c.eps, "use_absolute_embeddings": false,
            "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "drop_path_rate": 0.0,
            "hidden_size": c.width(stage: c.stageCount - 1), "num_layers": c.stageCount, "encoder_stride": 32,
        ]
        if c.isV2 { j["pretrained_window_sizes"] = (0..<c.stageCount).map(c.pretrainedWindow) }
        if c.numClasses > 0 {
            let labels = c.labels ?? (0..<c.numClasses).map { "LABEL_\($0)" }
            j["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ("\($0.offset)", $0.element) })
            j["label2id"] = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        }
        return j
    }

    /// timm's hub `config.json` for `c` (`save_for_hf`'s layout: architecture, `model_args`,
    /// `pretrained_cfg`), which `timm.create_model("local-dir:…", pretrained=True)` builds from.
    static func timmJSON(_ c: SwinConfig) -> [String: Any] {
        let p = c.preprocessing
        let ratio = Double(c.mlpHidden[0]) / Double(c.embedDim)
        let cropPct = p.resizeShorterSide && p.resize[0] > 0 ? Double(p.crop[0]) / Double(p.resize[0]) : 1.0
        var j: [String: Any] = [
            "architecture": c.isV2 ? "swinv2_tiny_window8_256" : "swin_tiny_patch4_window7_224", "num_classes": c.numClasses,
            "num_features": c.width(stage: c.stageCount - 1), "global_pool": "avg",
            "model_args": ["img_size": c.imageSize[0] == c.imageSize[1] ? c.imageSize[0] as Any : c.imageSize as Any, "patch_size": c.patchSize, "in_chans": c.channels, "embed_dim": c.embedDim,
                           "depths": c.depths, "num_heads": c.numHeads, "window_size": c.windowSize, "mlp_ratio": ratio,
                           "qkv_bias": c.qkvBias, "num_classes": c.numClasses] as [String: Any],
            "pretrained_cfg": ["input_size": [c.channels] + c.imageSize, "fixed_input_size": true,
                               "interpolation": p.interpolation, "crop_pct": cropPct, "crop_mode": "center",
                               "mean": p.mean.map(Double.init), "std": p.std.map(Double.init), "num_classes": c.numClasses,
                               "first_conv": "patch_embed.proj", "classifier": "head.fc"] as [String: Any],
        ]
        if let labels = c.labels { j["label_names"] = labels }
        if c.isV2, var args = j["model_args"] as? [String: Any] {
            args["pretrained_window_sizes"] = (0..<c.stageCount).map(c.pretrainedWindow)
            j["model_args"] = args
        }
        return j
    }
}
