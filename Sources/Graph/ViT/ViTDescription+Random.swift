extension ViTDescription {
    /// A randomly initialised model of `config`, in timm's layout (packed qkv), reproducible from `seed`.
    ///
    /// Weights follow timm's scheme in spirit: Linear and patch weights and position embeddings are
    /// truncated normal with std 0.02, prefix tokens normal with std 1e-6 scaled up to 0.02 for
    /// class/dist tokens so they matter, LayerNorm weights 1 and biases 0, other biases 0.
    /// - Throws: `TensorError` when a tensor's shape has no size or does not fit in memory (the
    ///   config's sizes come from options such as `create --classes`).
    public static func random(config: ViTConfig, seed: UInt64) throws -> ViTDescription {
        var rng = SeededGenerator(seed: seed)
        var model = ViTDescription(config: config, tensors: [:])
        // Required keys in packed-qkv form: `packedQKV` is true for an empty description only when
        // depth is 0, so seed block 0's packed weight first.
        if config.depth > 0 { model.tensors[ViTTensorKey(.qkvWeight, block: 0)] = Tensor(zeros: .f32, shape: [1]) }
        for key in model.requiredKeys {
            let shape = model.expectedShape(key)
            let t = try Tensor(zeros: .f32, shape: shape, for: "random \(key) \(shape)")
            let p = t.mutableFloats
            switch key.part {
            case .norm1Weight, .norm2Weight, .normWeight, .fcNormWeight:
                for i in 0..<t.count { p[i] = 1 }
            case .ls1, .ls2:
                for i in 0..<t.count { p[i] = 0.1 }
            case .patchBias, .norm1Bias, .norm2Bias, .normBias, .fcNormBias, .qkvBias, .qBias, .kBias, .vBias,
                 .projBias, .fc1Bias, .fc2Bias, .headBias, .headDistBias, .poolerBias:
                break
            default:
                for i in 0..<t.count { p[i] = rng.truncatedNormal(std: 0.02) }
            }
            model.tensors[key] = t
        }
        return model
    }
}
