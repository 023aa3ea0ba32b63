import Foundation
import Graph

/// Reads Hugging Face `config.json` (ViT/DeiT) and `preprocessor_config.json` into `ConfigHints`.
///
/// Every number read is checked by `ConfigValue` against `ViTConfig.Limits` (integers where an
/// integer is meant, finite floats, sizes in range) and the preprocessing recipe is validated, so a
/// hostile value is a `FormatError.config` naming the file and key, never a trap or a huge buffer.
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
        let c = ConfigValue(json: json, path: path)
        typealias L = ViTConfig.Limits
        h.embedDim = try c.int("hidden_size", L.embedDim)
        h.depth = try c.int("num_hidden_layers", L.depth)
        h.numHeads = try c.int("num_attention_heads", L.numHeads)
        h.mlpHidden = try c.int("intermediate_size", L.mlpHidden)
        h.eps = try c.double("layer_norm_eps", L.eps) ?? 1e-12
        h.imageSize = try c.pair("image_size", L.imageSide)
        h.patchSize = try c.pair("patch_size", L.imageSide)
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
            if !pairs.isEmpty, pairs.count <= L.numClasses.upperBound, pairs.map(\.0) == Array(0..<pairs.count) {
                h.labels = pairs.map(\.1)
                h.numClasses = pairs.count
            }
        }
        if let size = h.imageSize { h.preprocessing = .huggingFace(size: size) }
        return h
    }

    /// Preprocessing from a `preprocessor_config.json` (ViTImageProcessor): `size` (an integer or
    /// `{height, width}`; other forms such as `shortest_edge` leave the model's image size),
    /// `image_mean` / `image_std` (three numbers or one), `resample` (a PIL filter code).
    /// - Throws: `FormatError.config` naming `path` and the key for a value out of range.
    static func preprocessing(from json: [String: Any], imageSize: [Int]?, path: String) throws -> ViTConfig.Preprocessing? {
        let c = ConfigValue(json: json, path: path)
        typealias L = ViTConfig.Limits
        var size = imageSize
        if json["size"] is [String: Any], let s = try c.object("size"), s.present("height") != nil || s.present("width") != nil {
            guard let hh = try s.int("height", L.imageSide), let ww = try s.int("width", L.imageSide) else {
                throw FormatError.config(path: path, detail: "'size' needs both height and width")
            }
            size = [hh, ww]
        } else if !(json["size"] is [String: Any]), let s = try c.int("size", L.imageSide) {
            size = [s, s]
        }
        guard let sz = size else { return nil }
        var p = ViTConfig.Preprocessing.huggingFace(size: sz)
        func triple(_ key: String) throws -> [Float]? {
            if let one = json[key], !(one is [Any]), !(one is NSNull) {
                guard let v = try c.double(key, L.meanStd) else { return nil }
                return [Float](repeating: Float(v), count: 3)
            }
            return try c.floats(key, count: 3, L.meanStd)
        }
        if let m = try triple("image_mean") { p.mean = m }
        if let s = try triple("image_std") { p.std = s }
        if let r = try c.int("resample", 0...5) { p.interpolation = r == 3 ? "bicubic" : "bilinear" }
        do { try p.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
        return p
    }

}
