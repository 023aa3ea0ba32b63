import Foundation
import Graph

/// The `preprocessor_config.json` that makes transformers' `AutoImageProcessor` apply a model's
/// preprocessing recipe (`ViTConfig.Preprocessing`), as `save_pretrained` and Optimum write it.
///
/// Which processor reproduces which recipe (measured with transformers 5.25 on
/// samples/preprocess/photo.png, samples/gen_hf_export.py):
/// - **Resize to `[h, w]`, crop the same size** (the Hugging Face recipe): `ViTImageProcessor` with
///   `size {height, width}`. Exact: this is the recipe's definition.
/// - **Resize, then center-crop** (timm's eval transform: the shorter side to `resize[0]`, or the
///   image to `[h, w]`, then a smaller crop): `BitImageProcessor` with `size {shortest_edge}` (or
///   `{height, width}`), `do_center_crop` and `crop_size`, at any size and crop shape.
///   `ConvNextImageProcessor` (`crop_pct` with `shortest_edge`) gives the same pixels but only for
///   square crops under 384, so it is not used. What no transformers processor reproduces exactly:
///   its center crop puts the window at `⌊excess / 2⌋` where torchvision's `CenterCrop` (timm, and
///   vitopt) rounds `excess / 2` half to even, so when the resized side exceeds the crop by 3 mod 4
///   pixels the crop is one pixel over (`crop offset` in `exactness`). The resampling itself is
///   Pillow's with `backend="pil"` (bit-exact against timm); transformers' default torchvision
///   backend differs by 1–2/255 in a few bicubic samples (734 of 150,528 at 1/255 for 224/0.9).
///
/// Mean and std are written as three values, the interpolation as PIL's filter code (2 bilinear,
/// 3 bicubic), `rescale_factor` 1/255.
public enum ImageProcessorConfig {
    /// The file name transformers reads.
    public static let fileName = "preprocessor_config.json"

    /// The transformers class `json(for:)` names for `p`.
    public static func processorClass(for p: ViTConfig.Preprocessing) -> String {
        needsCrop(p) ? "BitImageProcessor" : "ViTImageProcessor"
    }

    /// What differs between transformers' processor and the recipe, for the user; nil when the
    /// processor reproduces it for every image.
    public static func exactness(for p: ViTConfig.Preprocessing) -> String? {
        guard needsCrop(p) else { return nil }
        let backend = p.interpolation == "bicubic"
            ? ", and its default torchvision backend differs from Pillow's bicubic by 1-2/255 in a few samples (backend=\"pil\" resamples exactly)" : ""
        return "\(fileName): transformers' BitImageProcessor resizes and crops as this recipe does, but centers the crop at ⌊excess/2⌋ where timm rounds half to even (one pixel over when an image's resized side exceeds the crop by 3 mod 4)\(backend)"
    }

    /// The JSON object for `p`.
    public static func json(for p: ViTConfig.Preprocessing) -> [String: Any] {
        func three(_ v: [Float]) -> [Double] {
            (v.count == 3 ? v : Array(repeating: v.first ?? 0, count: 3)).map { Double(String($0)) ?? Double($0) }
        }
        let cropH = p.crop.first ?? 0, cropW = p.crop.count == 2 ? p.crop[1] : cropH
        var j: [String: Any] = [
            "image_processor_type": processorClass(for: p),
            "do_resize": true, "resample": p.interpolation == "bicubic" ? 3 : 2,
            "do_rescale": true, "rescale_factor": 1.0 / 255.0,
            "do_normalize": true, "image_mean": three(p.mean), "image_std": three(p.std),
        ]
        let resizeH = p.resize.first ?? 0, resizeW = p.resize.count == 2 ? p.resize[1] : resizeH
        if p.resizeShorterSide {
            j["size"] = ["shortest_edge": resizeH]
        } else {
            j["size"] = ["height": resizeH, "width": resizeW]
        }
        if needsCrop(p) {
            j["do_center_crop"] = true
            j["crop_size"] = ["height": cropH, "width": cropW]
            j["do_convert_rgb"] = true
        }
        return j
    }

    /// Writes `preprocessor_config.json` for `p` into `directory` (atomically; inside an
    /// `AtomicFileSet`, as part of its commit).
    /// - Returns: the path written.
    /// - Throws: `FormatError.io` when the file cannot be written.
    @discardableResult
    public static func write(_ p: ViTConfig.Preprocessing, directory: String) throws -> String {
        let path = (directory.isEmpty ? "." : directory) + "/" + fileName
        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array((JSONText.pretty(json(for: p)) + "\n").utf8))
        try writer.commit()
        return path
    }

    /// Whether the recipe crops (or resizes by the shorter side, which needs a crop to fix the size).
    static func needsCrop(_ p: ViTConfig.Preprocessing) -> Bool {
        if p.resizeShorterSide { return true }
        let resizeH = p.resize.first ?? 0, resizeW = p.resize.count == 2 ? p.resize[1] : resizeH
        let cropH = p.crop.first ?? 0, cropW = p.crop.count == 2 ? p.crop[1] : cropH
        return resizeH != cropH || resizeW != cropW
    }
}

extension ImageProcessorConfig {
    /// Where a model written to `output` gets its `preprocessor_config.json`: beside it, when its
    /// `config.json` is written or replaced (`configAction`) and the file is not one of the
    /// command's inputs (then it is left as it is, like an input's `config.json`).
    public static func path(besides output: String, configAction: SidecarConfig.Action, inputs: OutputGuard) -> String? {
        guard configAction.writtenPath != nil else { return nil }
        let path = AtomicFileWriter.split(output).0 + "/" + fileName
        return inputs.input(matching: path) == nil ? path : nil
    }
}
