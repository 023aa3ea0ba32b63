import Foundation
import Graph

/// Reads Hugging Face `config.json` (through the family of its `model_type`) and
/// `preprocessor_config.json` into `ConfigHints`.
///
/// Every number read is checked by `ConfigValue` against `ViTConfig.Limits` (integers where an
/// integer is meant, finite floats, sizes in range) and the preprocessing recipe is validated, so a
/// hostile value is a `FormatError.config` naming the file and key, never a trap or a huge buffer.
enum HFConfigParser {
    /// Whether `json` looks like a transformers config.
    static func recognises(_ json: [String: Any]) -> Bool {
        json["model_type"] != nil || json["hidden_size"] != nil
    }

    /// Hints from a transformers `config.json`, parsed by the family registered for its `model_type`
    /// (a config without one is read as a ViT's).
    static func hints(from json: [String: Any], path: String) throws -> ConfigHints {
        let type = json["model_type"] as? String ?? "vit"
        guard let family = ModelFamilies.forHFModelType(type) else {
            let known = ModelFamilies.all.flatMap(\.hfModelTypes).joined(separator: ", ")
            throw FormatError.config(path: path, detail: "model_type '\(type)' is not a ViT family vitopt reads (\(known))")
        }
        return try family.hfHints(json, path: path)
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
