import Graph

/// The processor transformers pairs with a model in its naming, for the families whose processor is
/// not the generic one:
/// - **SigLIP** (`SiglipVisionModel`): `SiglipImageProcessor` — the same resize to `size {height,
///   width}`, rescale and normalisation as `ViTImageProcessor`, with `do_convert_rgb`. A recipe that
///   crops has no SigLIP form and keeps `BitImageProcessor` (`processorClass(for:)` on the recipe).
/// - **SigLIP 2** (`Siglip2VisionModel`, which takes patches): `Siglip2ImageProcessor` with
///   `patch_size` and `max_num_patches` = the tower's `num_patches`. It resizes keeping the aspect
///   ratio to at most `max_num_patches` patches, normalises, flattens each patch as (row, column,
///   channel) and pads to `max_num_patches` with a mask. For a square image that is the recipe's
///   resize to the tower's square grid (measured: samples/preprocess/hf_siglip2_32_pixels.npy,
///   within 2/255 of vitopt's preprocessing); another aspect ratio gets another grid, and it never
///   crops (`exactness(for:)` says so).
extension ImageProcessorConfig {
    /// The transformers class `json(for:)` names for a model with config `c`.
    public static func processorClass(for c: ViTConfig) -> String {
        if isSigLIP2(c) { return "Siglip2ImageProcessor" }
        if c.family == SigLIPFamily().name, !needsCrop(c.preprocessing) { return "SiglipImageProcessor" }
        return processorClass(for: c.preprocessing)
    }

    /// The JSON object for a model with config `c`: `json(for: c.preprocessing)` under the family's
    /// processor class and keys.
    public static func json(for c: ViTConfig) -> [String: Any] {
        var j = json(for: c.preprocessing)
        let processor = processorClass(for: c)
        j["image_processor_type"] = processor
        if processor == "SiglipImageProcessor" { j["do_convert_rgb"] = true }
        if processor == "Siglip2ImageProcessor" {
            for key in ["size", "do_center_crop", "crop_size", "do_convert_rgb"] { j.removeValue(forKey: key) }
            j["patch_size"] = c.patchSize.first ?? 0
            j["max_num_patches"] = c.numPatches
        }
        return j
    }

    /// What differs between transformers' processor for `c` and its recipe, for the user; nil when
    /// the processor reproduces it for every image.
    public static func exactness(for c: ViTConfig) -> String? {
        guard isSigLIP2(c) else { return exactness(for: c.preprocessing) }
        let crop = needsCrop(c.preprocessing) ? "; it does not crop, as this recipe does" : ""
        return "\(fileName): transformers' Siglip2ImageProcessor keeps an image's aspect ratio (at most \(c.numPatches) patches), so it resizes as this recipe does only for square images\(crop)"
    }

    /// Writes `preprocessor_config.json` for a model with config `c` into `directory` (atomically;
    /// inside an `AtomicFileSet`, as part of its commit).
    /// - Returns: the path written.
    /// - Throws: `FormatError.io` when the file cannot be written.
    @discardableResult
    public static func write(_ c: ViTConfig, directory: String) throws -> String {
        let path = (directory.isEmpty ? "." : directory) + "/" + fileName
        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array((JSONText.pretty(json(for: c)) + "\n").utf8))
        try writer.commit()
        return path
    }

    static func isSigLIP2(_ c: ViTConfig) -> Bool {
        c.family == SigLIPFamily().name && SigLIPFamily().isSigLIP2(c)
    }
}
