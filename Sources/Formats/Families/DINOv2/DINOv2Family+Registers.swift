import Graph

/// transformers' `Dinov2WithRegistersModel` adds the position table to the class token and the
/// patches, and inserts the registers after the class token without one: its table is
/// `[1, 1 + patches, D]`. vitopt holds such a model as timm's `vit_*_reg4_dinov2` does
/// (`no_embed_class`): the table covers the patches only and the class token carries its position
/// row, `cls + pos[0]` — the fp32 sum the model computes on every forward pass, so outputs are
/// unchanged bit for bit (timm's `_convert_dinov2` makes the same sum). Written back in
/// transformers' names, the class row is zero and the class token keeps the sum: the same
/// computation, also under `interpolate_pos_encoding`, which resamples the patch rows only.
extension DINOv2Family {
    func canonical(_ tensors: [ViTTensorKey: Tensor], from convention: NamingConvention) -> [ViTTensorKey: Tensor] {
        let cls = ViTTensorKey(.clsToken), pos = ViTTensorKey(.posEmbed)
        guard convention == .hf, tensors[ViTTensorKey(.regToken)] != nil, let c = tensors[cls], let p = tensors[pos],
              p.shape.count == 3, p.shape[0] == 1, p.shape[1] >= 2, c.shape == [1, 1, p.shape[2]] else { return tensors }
        let (rows, width) = (p.shape[1], p.shape[2])
        let table = p.reshaped([rows, width])
        let classRow = table.slice(rows: 0..<1).floatArray()
        var out = tensors
        out[cls] = Tensor(shape: c.shape, floats: zip(c.floatArray(), classRow).map { $0 + $1 })
        out[pos] = table.slice(rows: 1..<rows).reshaped([1, rows - 1, width])
        return out
    }

    func stored(_ tensors: [ViTTensorKey: Tensor], config: ViTConfig, in convention: NamingConvention) -> [ViTTensorKey: Tensor] {
        let pos = ViTTensorKey(.posEmbed)
        guard convention == .hf, config.regTokens > 0, !config.posEmbedIncludesPrefix, let p = tensors[pos],
              p.shape.count == 3, p.shape[0] == 1 else { return tensors }
        let (rows, width) = (p.shape[1], p.shape[2])
        var out = tensors
        let classRow = Tensor(zeros: p.dtype, shape: [1, width])
        out[pos] = Tensor.concatenateRows([classRow, p.reshaped([rows, width])]).reshaped([1, rows + 1, width])
        return out
    }
}
