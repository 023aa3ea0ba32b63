/// One Swin Transformer (v1 or v2), convention-free: its config and its parameters under timm's names
/// (the canonical ones: packed `qkv`, patch merging at the start of stages 1…, `head.fc`). A v2 block
/// has `attn.logit_scale [heads, 1, 1]` and `attn.cpb_mlp.{0.weight [512, 2], 0.bias, 2.weight
/// [heads, 512]}` instead of the bias table, and its q/v biases (timm `q_bias`/`v_bias`) packed into
/// `attn.qkv.bias` with a zero key third; a v2 merging's norm is over the reduced width.
/// The buffers `relative_position_index` and `attn_mask` are not parameters: both libraries
/// compute them from the config, and so does vitopt.
public struct SwinDescription: Sendable {
    public var config: SwinConfig
    /// Parameters by canonical (timm) name.
    public var tensors: [String: Tensor]

    public init(config: SwinConfig, tensors: [String: Tensor]) {
        self.config = config
        self.tensors = tensors
    }

    /// The hidden width of Swin v2's continuous position bias MLP (both libraries fix it at 512).
    public static let cpbHidden = 512

    /// Every parameter the config calls for, with its shape, in canonical order.
    public var expected: [(name: String, shape: [Int])] {
        let c = config
        var out: [(String, [Int])] = [("patch_embed.proj.weight", [c.embedDim, c.channels, c.patchSize, c.patchSize]),
                                      ("patch_embed.proj.bias", [c.embedDim]),
                                      ("patch_embed.norm.weight", [c.embedDim]), ("patch_embed.norm.bias", [c.embedDim])]
        for s in 0..<c.stageCount {
            let d = c.width(stage: s), heads = c.numHeads[s], hidden = c.mlpHidden[s]
            if s > 0 {
                let p = "layers.\(s).downsample."
                let n = c.isV2 ? d : 2 * d
                out += [(p + "norm.weight", [n]), (p + "norm.bias", [n]), (p + "reduction.weight", [d, 2 * d])]
            }
            let table = (2 * c.windowAndShift(stage: s, block: 0).window[0] - 1) * (2 * c.windowAndShift(stage: s, block: 0).window[1] - 1)
            for b in 0..<c.depths[s] {
                let p = "layers.\(s).blocks.\(b)."
                out += [(p + "norm1.weight", [d]), (p + "norm1.bias", [d])]
                if c.isV2 {
                    out += [(p + "attn.logit_scale", [heads, 1, 1]), (p + "attn.cpb_mlp.0.weight", [Self.cpbHidden, 2]),
                            (p + "attn.cpb_mlp.0.bias", [Self.cpbHidden]), (p + "attn.cpb_mlp.2.weight", [heads, Self.cpbHidden])]
                } else {
                    out.append((p + "attn.relative_position_bias_table", [table, heads]))
                }
                out.append((p + "attn.qkv.weight", [3 * d, d]))
                if c.qkvBias { out.append((p + "attn.qkv.bias", [3 * d])) }
                out += [(p + "attn.proj.weight", [d, d]), (p + "attn.proj.bias", [d]), (p + "norm2.weight", [d]), (p + "norm2.bias", [d]),
                        (p + "mlp.fc1.weight", [hidden, d]), (p + "mlp.fc1.bias", [hidden]), (p + "mlp.fc2.weight", [d, hidden]),
                        (p + "mlp.fc2.bias", [d])]
            }
        }
        let last = c.width(stage: c.stageCount - 1)
        out += [("norm.weight", [last]), ("norm.bias", [last])]
        if c.numClasses > 0 { out += [("head.fc.weight", [c.numClasses, last]), ("head.fc.bias", [c.numClasses])] }
        return out
    }

    /// Checks the config and that exactly the expected parameters are present, float-typed, with
    /// the expected shapes.
    /// - Throws: `ViTError` naming the first offending tensor (by canonical name).
    public func validate() throws {
        try config.validate()
        let want = expected
        for (name, shape) in want {
            guard let t = tensors[name] else { throw ViTError.missingTensor(name) }
            guard t.dtype.isFloatingPoint else { throw ViTError.tensorDType(tensor: name, got: t.dtype) }
            guard t.shape == shape else { throw ViTError.tensorShape(tensor: name, expected: shape, got: t.shape) }
        }
        let names = Set(want.map(\.name))
        if let stray = tensors.keys.sorted().first(where: { !names.contains($0) }) {
            throw ViTError.invalidConfig("Swin: tensor '\(stray)' is not used by this config (check depths, window size and head)")
        }
    }
}

extension SwinDescription {
    /// The same model at another input size and, optionally, window size, as timm builds it with
    /// `img_size=` / `window_size=` from the checkpoint: the windows and shifts follow the new stage
    /// grids, and every block whose window side changes gets its relative position bias table
    /// resampled by `RelativePositionBiasResampler` (timm's `checkpoint_filter_fn` →
    /// `resize_rel_pos_bias_table`). The other parameters are unchanged (Swin has no absolute
    /// position table). Preprocessing is rescaled like a ViT's.
    ///
    /// A Swin v2 has no table to resample: its bias is a function of the relative coordinates and is
    /// recomputed for whatever window each stage gets. With a new `windowSize`, every stage whose
    /// pretrained window is unset gets its old window as the pretrained one (timm's and the paper's
    /// `pretrained_window_sizes` transfer: coordinates stay normalised by the window the MLP was
    /// trained at); a new image size alone keeps them, as `timm.create_model(img_size=…)` does.
    /// - Throws: `ViTError.invalidConfig` when the new grids do not tile into windows, or a stage's
    ///   window would become non-square (timm's table resize assumes square source windows).
    public func resized(imageSize: [Int], windowSize: Int? = nil) throws -> SwinDescription {
        var out = self
        out.config.imageSize = imageSize
        out.config.windowSize = windowSize ?? config.windowSize
        out.config.preprocessing = config.preprocessing.rescaled(from: config.imageSize, to: imageSize)
        if config.isV2, let w = windowSize, w != config.windowSize {
            out.config.pretrainedWindowSizes = try (0..<config.stageCount).map { s in
                let p = config.pretrainedWindow(stage: s)
                if p > 0 { return p }
                let old = config.windowAndShift(stage: s, block: 0).window
                guard old[0] == old[1] else {
                    throw ViTError.invalidConfig("Swin v2: stage \(s)'s window \(old[0])×\(old[1]) is not square; it cannot become the pretrained window")
                }
                return old[0] == 1 ? 0 : old[0]
            }
        }
        try out.config.validate()
        if config.isV2 {
            try out.validate()
            return out
        }
        for s in 0..<config.stageCount {
            let before = config.windowAndShift(stage: s, block: 0).window, after = out.config.windowAndShift(stage: s, block: 0).window
            guard before != after else { continue }
            guard after[0] == after[1], before[0] == before[1] else {
                throw ViTError.invalidConfig("Swin: stage \(s)'s window would change from \(before[0])×\(before[1]) to \(after[0])×\(after[1]); only square windows' bias tables are resampled")
            }
            for b in 0..<config.depths[s] {
                let name = "layers.\(s).blocks.\(b).attn.relative_position_bias_table"
                guard let table = tensors[name] else { throw ViTError.missingTensor(name) }
                out.tensors[name] = RelativePositionBiasResampler.resample(table, newSide: 2 * after[0] - 1)
            }
        }
        try out.validate()
        return out
    }
}
