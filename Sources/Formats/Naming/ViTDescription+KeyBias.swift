import Graph

extension ViTDescription {
    /// The parameters without key biases, as a convention that stores only query and value biases
    /// holds them (`FamilyNaming.keyBiasOmitted`): a packed `qkv.bias` becomes its q and v thirds
    /// (zero-copy row slices) and the k bias is dropped. The result is no longer buildable; it is only
    /// named and written. Dropping the key bias changes no output (softmax ignores the constant
    /// `q·b` it adds to a query's logits).
    func droppingKeyBias() -> ViTDescription {
        var out = self
        for b in 0..<config.depth {
            let packed = ViTTensorKey(.qkvBias, block: b)
            if let t = tensors[packed], t.shape.count == 1, t.shape[0] % 3 == 0 {
                let d = t.shape[0] / 3
                out.tensors[ViTTensorKey(.qBias, block: b)] = t.slice(rows: 0..<d)
                out.tensors[ViTTensorKey(.vBias, block: b)] = t.slice(rows: (2 * d)..<(3 * d))
                out.tensors[packed] = nil
                out.sourceNames[packed] = nil
            }
            out.tensors[ViTTensorKey(.kBias, block: b)] = nil
            out.sourceNames[ViTTensorKey(.kBias, block: b)] = nil
        }
        return out
    }
}
