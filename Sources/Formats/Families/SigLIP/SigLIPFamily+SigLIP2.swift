import Graph

/// transformers' `Siglip2VisionModel` (NaFlex) at its native grid. It embeds patches that its image
/// processor flattened as (row, column, channel) with a Linear `[D, P·P·C]`, and resizes its square
/// position grid (`num_patches` rows) to each image's `spatial_shapes` (bilinear with antialias) on
/// every forward pass. For a square image whose grid is the table's, that resize is the identity and
/// the Linear is the patch convolution with its kernel reordered, so vitopt reads the tower as a
/// SigLIP one: the kernel `[D, C, P, P]` (a reshape and a permute, values unchanged) and an image
/// size of √num_patches · patch. Other resolutions go through `resize-pos` with the `siglip2`
/// preset, which is the tower's own resize. Per-image variable sizes with padding masks
/// (`pixel_attention_mask`) are not a fixed-size image model and are not read.
extension SigLIPFamily {
    /// `ViTConfig.positionResample` of a model read from a SigLIP 2 file; it also makes the
    /// transformers writer write SigLIP 2 again.
    static let siglip2Resample = ResamplePreset.siglip2.rawValue

    func isSigLIP2(_ c: ViTConfig) -> Bool { c.positionResample == Self.siglip2Resample }

    func siglip2Hints(_ vision: [String: Any], into h: inout ConfigHints, path: String) throws {
        let c = ConfigValue(json: vision, path: path)
        guard let n = try c.int("num_patches", 1...(1 << 24)) else {
            throw FormatError.config(path: path, detail: "a SigLIP 2 config without num_patches (the size of its position grid)")
        }
        let side = Int(Double(n).squareRoot().rounded())
        guard side * side == n else {
            throw FormatError.config(path: path, detail: "SigLIP 2 num_patches = \(n) is not a square grid")
        }
        if let p = h.patchSize {
            let (height, o1) = side.multipliedReportingOverflow(by: p[0]), (width, o2) = side.multipliedReportingOverflow(by: p[1])
            guard !o1, !o2 else { throw FormatError.config(path: path, detail: "SigLIP 2 grid \(side)×\(side) of patch \(p) overflows") }
            h.imageSize = [height, width]
        }
        h.positionResample = Self.siglip2Resample
    }

    /// A `[D, P·P·C]` patch Linear (SigLIP 2) as the `[D, C, P, P]` convolution kernel, C = 3 or 1
    /// (the resolver checks P and C against the config).
    func canonical(_ tensors: [ViTTensorKey: Tensor], from convention: NamingConvention) -> [ViTTensorKey: Tensor] {
        let key = ViTTensorKey(.patchWeight)
        guard convention == .hf, let w = tensors[key], w.rank == 2 else { return tensors }
        let (d, k) = (w.shape[0], w.shape[1])
        for channels in [3, 1] where k % channels == 0 {
            let p = Int(Double(k / channels).squareRoot().rounded())
            guard p > 0, p * p * channels == k else { continue }
            var out = tensors
            out[key] = w.reshaped([d, p, p, channels]).permuted([0, 3, 1, 2])
            return out
        }
        return tensors
    }

    /// The patch kernel as SigLIP 2's Linear when the model came from SigLIP 2.
    func stored(_ tensors: [ViTTensorKey: Tensor], config: ViTConfig, in convention: NamingConvention) -> [ViTTensorKey: Tensor] {
        let key = ViTTensorKey(.patchWeight)
        guard convention == .hf, isSigLIP2(config), let w = tensors[key], w.rank == 4 else { return tensors }
        var out = tensors
        out[key] = w.permuted([0, 2, 3, 1]).reshaped([w.shape[0], w.shape[1] * w.shape[2] * w.shape[3]])
        return out
    }

    func siglip2Config(_ c: ViTConfig) -> [String: Any] {
        var j = HFConfigFields.json(c)
        j.removeValue(forKey: "image_size")
        j["model_type"] = "siglip2_vision_model"
        j["architectures"] = ["Siglip2VisionModel"]
        j["num_patches"] = c.numPatches
        j["attention_dropout"] = 0.0
        j["vision_use_head"] = true
        return j
    }
}
