/// Resamples a learned absolute position embedding `[1, prefix + H·W, D]` to a new patch grid.
///
/// The first `prefix` rows (class, distillation, register tokens) are copied bit for bit; the
/// remaining `H·W` rows are read as a row-major `[H, W, D]` grid (rows = image height), resampled
/// with `GridResampler` in `Double`, rounded once to the embedding's storage type (F32 for every
/// float type but F64), and flattened back row-major. A grid that does not change is returned as is.
/// This is timm's `resample_abs_pos_embed`, transformers' `interpolate_pos_encoding` and DINOv2's
/// resize, each selected by its `Interpolation`; results are within 1e-6 of PyTorch's fp32 output.
public enum PositionEmbeddingResampler {
    /// - Parameters:
    ///   - embedding: `[1, T, D]`.
    ///   - prefix: leading rows that are not patch positions.
    ///   - source: the grid the embedding was trained on `[H, W]` (from the config, never guessed).
    ///   - target: the new grid `[h, w]`.
    ///   - name: the tensor's name, for errors.
    /// - Throws: `ResampleError.gridMismatch` when `T ≠ prefix + H·W`, `.unsupported` for a
    ///   non-float tensor or a `scale_factor` sizing that does not land on `target`.
    public static func resample(_ embedding: Tensor, prefix: Int, source: [Int], target: [Int],
                                interpolation: Interpolation, name: String = "pos_embed") throws -> Tensor {
        guard embedding.rank == 3, embedding.shape[0] == 1 else {
            throw ResampleError.gridMismatch(tensor: name, detail: "expected a [1, T, D] position embedding, got \(embedding.shape)")
        }
        let (rows, depth) = (embedding.shape[1], embedding.shape[2])
        guard source.count == 2, target.count == 2, (source + target).allSatisfy({ $0 > 0 }) else {
            throw ResampleError.gridMismatch(tensor: name, detail: "grids must be two positive sizes, got \(source) → \(target)")
        }
        guard prefix >= 0, rows == prefix + source[0] * source[1] else {
            throw ResampleError.gridMismatch(
                tensor: name,
                detail: "\(rows) position rows do not match a \(source[0])×\(source[1]) grid plus \(prefix) prefix row(s) (= \(prefix + source[0] * source[1])); give the source grid with --source-grid HxW")
        }
        guard embedding.dtype.isFloatingPoint else {
            throw ResampleError.unsupported(tensor: name, detail: "dtype \(embedding.dtype.rawValue) is not a floating-point type")
        }
        if source == target { return embedding }
        let resampler = try GridResampler(source: source, target: target, interpolation: interpolation, tensor: name,
                                          doublePrecisionWeights: embedding.dtype == .f64)
        let all = try EmbeddingValues.read(embedding, name: name)
        let grid = Array(all[(prefix * depth)...])
        let resampled = resampler.apply(grid, depth: depth)
        let outRows = prefix + target[0] * target[1]
        let patchPart = EmbeddingValues.tensor(resampled, shape: [target[0] * target[1], depth], like: embedding.dtype)
        guard prefix > 0 else { return patchPart.reshaped([1, outRows, depth]) }
        // Prefix rows are copied as stored, bit for bit (converted only if the storage type changes).
        var head = embedding.reshaped([rows, depth]).slice(rows: 0..<prefix)
        if head.dtype != patchPart.dtype { head = head.asF32() }
        return Tensor.concatenateRows([head.copy(), patchPart]).reshaped([1, outRows, depth])
    }
}
