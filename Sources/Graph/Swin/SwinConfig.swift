/// Everything that defines a Swin Transformer v1 (timm `SwinTransformer`, transformers `SwinModel`
/// / `SwinForImageClassification`), independent of naming convention and file format.
///
/// Stage `s` works at width `embedDim·2^s` on a grid of `(H/patch)/2^s × (W/patch)/2^s` tokens;
/// every stage after the first starts with a patch merging (2×2 neighbours concatenated, LayerNorm,
/// bias-free Linear `4C → 2C`). Block `b` of a stage attends within windows of `windowSize²` tokens,
/// odd blocks after a cyclic shift of `windowSize/2`; where the grid is not larger than the window,
/// the window shrinks to the grid and the shift is dropped (timm's `_calc_window_shift`, transformers'
/// `set_shift_and_window_size`, identical on square grids). Serialised with snake_case keys into
/// checkpoint metadata (`vitopt.swin_config`).
///
/// `version` 2 is Swin v2 (timm `SwinTransformerV2`, transformers `Swinv2Model`): scaled cosine
/// attention, the continuous position bias (a per-block MLP on log-spaced relative coordinates
/// instead of a learned table), q/v biases without a key bias, res-post-norm blocks and patch
/// merging as reduction then norm. Its fields are optional so a v1 config encodes as before.
public struct SwinConfig: Codable, Equatable, Sendable {
    /// Input height and width in pixels.
    public var imageSize: [Int]
    public var patchSize: Int
    public var channels: Int
    /// Width of the first stage.
    public var embedDim: Int
    /// Blocks per stage.
    public var depths: [Int]
    /// Attention heads per stage.
    public var numHeads: [Int]
    /// The target window side (timm `window_size`, transformers `window_size`).
    public var windowSize: Int
    /// MLP hidden width of each stage's blocks.
    public var mlpHidden: [Int]
    /// LayerNorm epsilon (every norm of the model; timm and transformers both use 1e-5).
    public var eps: Double
    public var qkvBias: Bool
    /// Classes of the head; 0 means a backbone (`last_hidden_state`, `pooler_output`).
    public var numClasses: Int
    public var labels: [String]?
    public var preprocessing: ViTConfig.Preprocessing
    /// 2 for Swin v2; nil (or 1) for v1.
    public var version: Int?
    /// Swin v2: per stage, the window side the continuous position bias was trained at (timm's and
    /// transformers' `pretrained_window_sizes`); the relative coordinates are normalised by it,
    /// 0 meaning the stage's own window. nil means 0 for every stage.
    public var pretrainedWindowSizes: [Int]?

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size", patchSize = "patch_size", channels, embedDim = "embed_dim", depths, numHeads = "num_heads"
        case windowSize = "window_size", mlpHidden = "mlp_hidden", eps, qkvBias = "qkv_bias", numClasses = "num_classes", labels
        case preprocessing, version = "swin_version", pretrainedWindowSizes = "pretrained_window_sizes"
    }

    public init(imageSize: [Int], patchSize: Int, channels: Int = 3, embedDim: Int, depths: [Int], numHeads: [Int],
                windowSize: Int, mlpHidden: [Int], eps: Double = 1e-5, qkvBias: Bool = true, numClasses: Int,
                labels: [String]? = nil, preprocessing: ViTConfig.Preprocessing? = nil, version: Int? = nil,
                pretrainedWindowSizes: [Int]? = nil) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channels = channels
        self.embedDim = embedDim
        self.depths = depths
        self.numHeads = numHeads
        self.windowSize = windowSize
        self.mlpHidden = mlpHidden
        self.eps = eps
        self.qkvBias = qkvBias
        self.numClasses = numClasses
        self.labels = labels
        self.preprocessing = preprocessing ?? .timm(size: imageSize, cropPct: 0.9)
        self.version = version
        self.pretrainedWindowSizes = pretrainedWindowSizes
    }

    /// Whether this is a Swin v2.
    public var isV2: Bool { version == 2 }

    /// Swin v2: the window side stage `s`'s relative coordinates are normalised by (0: its own window).
    public func pretrainedWindow(stage s: Int) -> Int { pretrainedWindowSizes.map { s < $0.count ? $0[s] : 0 } ?? 0 }

    /// The ranges `validate()` accepts beyond `ViTConfig.Limits`.
    public enum Limits {
        public static let stages = 1...8
        public static let depthPerStage = 1...256
        /// Window side: a window's `side⁴` attention scores stay small.
        public static let windowSize = 1...64
        public static let patchSize = 1...64
    }

    public var stageCount: Int { depths.count }

    /// The width of stage `s` (`embedDim·2^s`).
    public func width(stage s: Int) -> Int { embedDim << s }

    /// The token grid `[h, w]` of stage `s`.
    public func grid(stage s: Int) -> [Int] { [(imageSize[0] / patchSize) >> s, (imageSize[1] / patchSize) >> s] }

    /// The window `[h, w]` and cyclic shift `[h, w]` of block `b` of stage `s`: per axis, a grid not
    /// larger than the window takes the whole axis with no shift; odd blocks shift by half the window.
    public func windowAndShift(stage s: Int, block b: Int) -> (window: [Int], shift: [Int]) {
        let g = grid(stage: s)
        let window = g.map { $0 <= windowSize ? $0 : windowSize }
        let shift = g.map { b % 2 == 1 && $0 > windowSize ? windowSize / 2 : 0 }
        return (window, shift)
    }

    /// Checks ranges and that every stage's grid tiles into its windows and halves for the next stage.
    /// - Throws: `ViTError.invalidConfig` naming the setting.
    public func validate() throws {
        func fail(_ s: String) -> ViTError { .invalidConfig("Swin: \(s)") }
        guard imageSize.count == 2, imageSize.allSatisfy(ViTConfig.Limits.imageSide.contains) else {
            throw fail("image size \(imageSize) must be two sides in \(ViTConfig.Limits.imageSide)")
        }
        guard Limits.patchSize.contains(patchSize) else { throw fail("patch size \(patchSize) outside \(Limits.patchSize)") }
        guard ViTConfig.Limits.channels.contains(channels) else { throw fail("channels \(channels) outside \(ViTConfig.Limits.channels)") }
        guard Limits.stages.contains(depths.count), numHeads.count == depths.count, mlpHidden.count == depths.count else {
            throw fail("depths \(depths), num_heads \(numHeads) and MLP widths \(mlpHidden) must list the same 1-8 stages")
        }
        guard depths.allSatisfy(Limits.depthPerStage.contains) else { throw fail("depths \(depths): each must be in \(Limits.depthPerStage)") }
        guard Limits.windowSize.contains(windowSize) else { throw fail("window size \(windowSize) outside \(Limits.windowSize)") }
        guard version == nil || version == 1 || version == 2 else { throw fail("version \(version ?? 0) is not 1 or 2") }
        if let p = pretrainedWindowSizes {
            guard isV2, p.count == depths.count, p.allSatisfy({ $0 == 0 || (2...Limits.windowSize.upperBound).contains($0) }) else {
                throw fail("pretrained window sizes \(p) need Swin v2 and one per stage, each 0 or in 2...\(Limits.windowSize.upperBound)")
            }
        }
        guard ViTConfig.Limits.eps.contains(eps) else { throw fail("eps \(eps) must be in (0, 1]") }
        guard ViTConfig.Limits.numClasses.contains(numClasses) else { throw fail("num_classes \(numClasses) outside \(ViTConfig.Limits.numClasses)") }
        guard embedDim >= 1, embedDim <= ViTConfig.Limits.embedDim.upperBound >> (depths.count - 1) else {
            throw fail("embed dim \(embedDim) with \(depths.count) stages exceeds \(ViTConfig.Limits.embedDim.upperBound) in the last stage")
        }
        guard imageSize[0] % patchSize == 0, imageSize[1] % patchSize == 0 else {
            throw fail("image size \(imageSize[0])×\(imageSize[1]) is not a multiple of the patch size \(patchSize)")
        }
        for s in 0..<depths.count {
            let g = grid(stage: s), c = width(stage: s)
            if s > 0 {
                let prev = grid(stage: s - 1)
                guard prev[0] % 2 == 0, prev[1] % 2 == 0 else {
                    throw fail("stage \(s - 1)'s grid \(prev[0])×\(prev[1]) is odd: patch merging would pad it (not supported)")
                }
            }
            guard ViTConfig.Limits.numHeads.contains(numHeads[s]), c % numHeads[s] == 0 else {
                throw fail("stage \(s): width \(c) is not divisible by \(numHeads[s]) heads")
            }
            guard ViTConfig.Limits.mlpHidden.contains(mlpHidden[s]) else { throw fail("stage \(s): MLP width \(mlpHidden[s]) outside \(ViTConfig.Limits.mlpHidden)") }
            let (window, _) = windowAndShift(stage: s, block: 0)
            guard g[0] % window[0] == 0, g[1] % window[1] == 0 else {
                throw fail("stage \(s)'s grid \(g[0])×\(g[1]) is not a multiple of the window \(window[0])×\(window[1]): timm and transformers pad such grids differently (not supported); choose an image size whose stage grids tile into windows of \(windowSize)")
            }
        }
        if !preprocessing.mean.allSatisfy({ ViTConfig.Limits.meanStd.contains(Double($0)) }) ||
            !preprocessing.std.allSatisfy({ ViTConfig.Limits.meanStd.contains(Double($0)) && $0 != 0 }) {
            throw fail("preprocessing mean/std out of range")
        }
    }
}
