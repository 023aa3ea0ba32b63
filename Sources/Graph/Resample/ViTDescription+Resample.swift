/// What a resize did, for the user.
public struct ResizeSummary: Sendable, Equatable {
    public var sourceImage: [Int]
    public var targetImage: [Int]
    public var sourceGrid: [Int]
    public var targetGrid: [Int]
    public var sourcePatch: [Int]
    public var targetPatch: [Int]
    /// Position rows copied unchanged (class, distillation, register tokens).
    public var prefixRows: Int
    public var interpolation: Interpolation
    public var notes: [String] = []
}

extension ViTDescription {
    /// The model resized to run on `imageSize` inputs (optionally with a new patch size): the graph
    /// pass behind `vitopt resize-pos` and `vitopt run --image-size`.
    ///
    /// The position embedding's patch grid goes from the config's grid (`imageSize / patchSize`,
    /// which the loader takes from `config.json`, metadata or `--source-grid`) to
    /// `imageSize / patch` with `PositionEmbeddingResampler`; prefix rows are kept. With a new
    /// `patchSize` the patch kernels are resampled with `PatchEmbeddingResampler` (same kernel and
    /// antialias, `size=` sizing). The config's image size, patch size and preprocessing are updated.
    /// - Throws: `ResampleError` for a size that the patch does not tile or below one patch, a
    ///   position embedding that does not match the grid, or a model without one.
    public func resized(imageSize: [Int], patchSize: [Int]? = nil, interpolation: Interpolation) throws -> (ViTDescription, ResizeSummary) {
        let c = config
        let patch = patchSize ?? c.patchSize
        guard patch.count == 2, patch.allSatisfy({ $0 > 0 }) else {
            throw ResampleError.badPatchSize(patch: patch, detail: "must be two positive sizes")
        }
        guard imageSize.count == 2, imageSize.allSatisfy({ $0 > 0 }) else {
            throw ResampleError.badImageSize(size: imageSize, patch: patch, detail: "must be two positive sizes")
        }
        guard imageSize[0] >= patch[0], imageSize[1] >= patch[1] else {
            throw ResampleError.badImageSize(size: imageSize, patch: patch, detail: "smaller than one patch")
        }
        guard imageSize[0] % patch[0] == 0, imageSize[1] % patch[1] == 0 else {
            let lower = [imageSize[0] / patch[0] * patch[0], imageSize[1] / patch[1] * patch[1]]
            throw ResampleError.badImageSize(size: imageSize, patch: patch,
                                             detail: "not a multiple of the patch size (nearest below: \(lower[0])×\(lower[1]))")
        }
        let sourceGrid = c.gridSize
        let targetGrid = [imageSize[0] / patch[0], imageSize[1] / patch[1]]
        let prefix = c.posEmbedIncludesPrefix && c.absolutePositions ? c.numPrefixTokens : 0
        var out = self
        var summary = ResizeSummary(sourceImage: c.imageSize, targetImage: imageSize, sourceGrid: sourceGrid, targetGrid: targetGrid,
                                    sourcePatch: c.patchSize, targetPatch: patch, prefixRows: prefix, interpolation: interpolation)
        let ropeNote = c.rope.map { _ in "the rotary position embedding (RoPE) is computed for the \(targetGrid[0])×\(targetGrid[1]) grid" }
        if !c.absolutePositions && c.relativeBias == .absent {
            summary.notes.append("no position table to resample" + (ropeNote.map { ": " + $0 } ?? ""))
        } else if let ropeNote {
            summary.notes.append(ropeNote)
        }
        // BEiT's relative position tables: timm's scheme with timm's (antialiased) presets, else transformers'.
        let scheme: RelativePositionBiasResampler.Scheme = interpolation.antialias ? .timm : .huggingFace
        for key in requiredKeys where key.part == .relativeBiasTable || key.part == .sharedRelativeBiasTable {
            guard let table = tensors[key] else { throw ResampleError.unsupported(tensor: displayName(key), detail: "missing") }
            out.tensors[key] = try RelativePositionBiasResampler.resample(table, source: sourceGrid, target: targetGrid, scheme: scheme,
                                                                           name: displayName(key))
            if key.block ?? 0 == 0 {
                summary.notes.append("relative position bias tables resampled as \(scheme == .timm ? "timm's resize_rel_pos_bias_table" : "transformers' BeitRelativePositionBias (bilinear)")")
            }
        }
        if c.absolutePositions {
            let posKey = ViTTensorKey(.posEmbed)
            guard let pos = tensors[posKey] else {
                throw ResampleError.noPositionEmbedding(detail: "the model has no '\(ViTPart.posEmbed.rawValue)' tensor")
            }
            let posName = displayName(posKey)
            out.tensors[posKey] = try PositionEmbeddingResampler.resample(pos, prefix: prefix, source: sourceGrid, target: targetGrid,
                                                                           interpolation: interpolation, name: posName)
            if pos.dtype != .f32 && pos.dtype != .f64 {
                summary.notes.append("'\(posName)' was \(pos.dtype.rawValue) and is written as f32")
            }
        }
        if patch != c.patchSize {
            let key = ViTTensorKey(.patchWeight)
            guard let w = tensors[key] else { throw ResampleError.unsupported(tensor: displayName(key), detail: "missing") }
            out.tensors[key] = try PatchEmbeddingResampler.resample(w, to: patch, mode: interpolation.mode,
                                                                    antialias: interpolation.antialias, name: displayName(key))
        }
        out.config.imageSize = imageSize
        out.config.patchSize = patch
        out.config.preprocessing = c.preprocessing.rescaled(from: c.imageSize, to: imageSize)
        try out.validate()
        return (out, summary)
    }
}

extension ViTConfig.Preprocessing {
    /// The recipe for `new` inputs instead of `old`: the crop becomes `new`; timm's shorter-side
    /// resize keeps its crop fraction (`⌊size / crop_pct⌋`), an exact resize scales with the crop.
    public func rescaled(from old: [Int], to new: [Int]) -> ViTConfig.Preprocessing {
        guard old != new else { return self }
        if resizeShorterSide, let r = resize.first, let c0 = crop.first, r > 0 {
            return .timm(size: new, cropPct: Double(c0) / Double(r), interpolation: interpolation, mean: mean, std: std)
        }
        var p = self
        p.crop = new
        p.resize = (0..<2).map { a in
            let r = resize.count == 2 ? resize[a] : (resize.first ?? crop[a]), c = crop.count == 2 ? crop[a] : crop[0]
            return r == c ? new[a] : Int((Double(r) * Double(new[a]) / Double(c)).rounded())
        }
        return p
    }
}
