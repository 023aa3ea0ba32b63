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
    /// `{height, width}`; `shortest_edge` with a `crop_size` or ConvNeXt's `crop_pct` as
    /// `shortestEdgeRecipe` reads them; other forms leave the model's image size),
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
        guard var p = try shortestEdgeRecipe(json, c, path: path) ?? size.map({ ViTConfig.Preprocessing.huggingFace(size: $0) }) else { return nil }
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

    /// The resize-then-crop recipes (see `ImageProcessorConfig`): `size {shortest_edge}` with
    /// `crop_size` (BitImageProcessor, CLIPImageProcessor; not when `do_center_crop` is false), and
    /// ConvNextImageProcessor's `crop_pct` (shortest edge under 384: the shorter side to
    /// `Int(shortest_edge / crop_pct)`, then a square crop; else a plain resize). Also `size
    /// {height, width}` with a smaller `crop_size`. Nil for the other forms.
    static func shortestEdgeRecipe(_ json: [String: Any], _ c: ConfigValue, path: String) throws -> ViTConfig.Preprocessing? {
        typealias L = ViTConfig.Limits
        let size = json["size"] is [String: Any] ? try c.object("size") : nil
        let shortest = try size?.int("shortest_edge", L.imageSide)
        if (json["image_processor_type"] as? String)?.hasPrefix("ConvNextImageProcessor") == true, let se = shortest {
            guard se < 384 else { return .huggingFace(size: [se, se]) }
            let pct = try c.double("crop_pct", 0.05...1) ?? 224.0 / 256.0
            var p = ViTConfig.Preprocessing.huggingFace(size: [se, se])
            p.resize = [Int((Double(se) / pct).rounded(.down))]  // se < 384, pct ≥ 0.05: at most 7680
            p.resizeShorterSide = true
            return p
        }
        guard (json["do_center_crop"] as? Bool) != false, json["crop_size"] != nil else { return nil }
        let crop: [Int]
        if json["crop_size"] is [String: Any], let cs = try c.object("crop_size") {
            guard let h = try cs.int("height", L.imageSide), let w = try cs.int("width", L.imageSide) else {
                throw FormatError.config(path: path, detail: "'crop_size' needs both height and width")
            }
            crop = [h, w]
        } else {
            guard let n = try c.int("crop_size", L.imageSide) else { return nil }
            crop = [n, n]
        }
        var p = ViTConfig.Preprocessing.huggingFace(size: crop)
        if let se = shortest {
            p.resize = [se]
            p.resizeShorterSide = true
        } else if let s = size, let h = try s.int("height", L.imageSide), let w = try s.int("width", L.imageSide) {
            p.resize = [h, w]
        } else {
            return nil
        }
        return p
    }

}
