/// Everything that defines a Vision Transformer's architecture (and its expected preprocessing),
/// independent of any naming convention or file format.
///
/// Serialised as JSON with snake_case keys into checkpoint metadata (`vitopt.config`), so a saved
/// model reloads without guessing.
public struct ViTConfig: Codable, Equatable, Sendable {
    /// Input height and width in pixels.
    public var imageSize: [Int]
    /// Patch height and width in pixels.
    public var patchSize: [Int]
    public var channels: Int
    public var embedDim: Int
    public var depth: Int
    public var numHeads: Int
    /// Hidden width of each block's MLP.
    public var mlpHidden: Int
    /// LayerNorm epsilon (every norm of the model).
    public var eps: Double
    public var classToken: Bool
    /// DeiT's distillation token (with `head_dist`, averaged with `head` at inference).
    public var distToken: Bool
    /// Register tokens (timm `reg_tokens`).
    public var regTokens: Int
    /// Whether the position embedding covers the prefix tokens too (timm `no_embed_class = false`).
    public var posEmbedIncludesPrefix: Bool
    /// Classes of the head; 0 means no classifier.
    public var numClasses: Int
    /// A `ViTPooling` raw value: `"token"` (first token), `"avg"` (mean over patch tokens), `"map"`
    /// (attention pooling with a learned query) or `"token_avg"` (first token and patch mean, concatenated).
    public var globalPool: String
    /// timm's `fc_norm` after pooling.
    public var fcNorm: Bool
    /// The final LayerNorm over all tokens (timm `norm`, HF `layernorm`).
    public var finalNorm: Bool
    public var qkvBias: Bool
    /// timm LayerScale (`ls1`/`ls2`).
    public var layerScale: Bool
    /// Hugging Face `ViTModel` pooler (dense + tanh on the first token).
    public var pooler: Bool
    /// The MLP's activation, a `ViTActivation` raw value: `"gelu"` (erf), `"gelu_tanh"`, `"quick_gelu"`
    /// or `"swiglu"` (then `fc1` is `[2·mlpHidden, D]`, gate first).
    public var activation: String
    /// A LayerNorm after the position embedding, before the blocks (CLIP `ln_pre`, timm `norm_pre`).
    public var normPre: Bool
    /// Whether the patch-embedding convolution has a bias (CLIP's has none).
    public var patchBias: Bool
    /// Width of a bias-free projection after pooling (CLIP `proj` / `visual_projection`); 0 = none.
    public var projectionDim: Int
    /// A `[1, D]` mask token stored with the model and unused at inference (Hugging Face DINOv2).
    public var maskToken: Bool
    /// The family whose naming and config files the model came from (`ModelFamily` name in Formats:
    /// `"vit"`, `"clip"`, `"siglip"`, `"dinov2"`); it never changes the computation.
    public var family: String
    /// The `ResamplePreset` the model's own library resamples its position table with, when it is
    /// not its convention's default (timm's FlexiViT: bilinear without antialias).
    public var positionResample: String?
    /// Whether the model adds a learned absolute position embedding (`pos_embed`); BEiT usually has
    /// none and relies on its relative position bias; DINOv3 has none and relies on RoPE.
    public var absolutePositions: Bool = true
    /// A `ViTRelativePositionBias` raw value: `"none"`, `"block"` (a table per block, timm
    /// `blocks.N.attn.relative_position_bias_table`) or `"shared"` (one table for every block).
    public var relativePositionBias: String = ViTRelativePositionBias.absent.rawValue
    /// 2-D rotary position embedding of the patch tokens' queries and keys (EVA-02, DINOv3), or none.
    public var rope: ViTRoPE?
    /// A LayerNorm over the MLP's hidden features before `fc2` (timm EVA-02 `scale_mlp`, `mlp.norm`).
    public var mlpNorm: Bool = false
    /// Class names, index-aligned with the logits, when known.
    public var labels: [String]?
    /// How images should be turned into `pixel_values`.
    public var preprocessing: Preprocessing

    /// Preprocessing recipe: resize, crop, normalise.
    public struct Preprocessing: Codable, Equatable, Sendable {
        /// Resize target before the crop: `[h, w]` exact, or with `resizeShorterSide` the shorter side.
        public var resize: [Int]
        /// Resize the shorter side to `resize[0]` keeping the aspect ratio (timm) instead of to `[h, w]` (HF).
        public var resizeShorterSide: Bool
        /// `"bicubic"` or `"bilinear"` (PIL-style, antialiased when shrinking).
        public var interpolation: String
        /// Center-crop size `[h, w]`.
        public var crop: [Int]
        public var mean: [Float]
        public var std: [Float]

        public init(resize: [Int], resizeShorterSide: Bool, interpolation: String, crop: [Int], mean: [Float], std: [Float]) {
            self.resize = resize
            self.resizeShorterSide = resizeShorterSide
            self.interpolation = interpolation
            self.crop = crop
            self.mean = mean
            self.std = std
        }

        /// timm's eval transform for `size` with a crop fraction (resize shorter side to size/crop_pct, bicubic).
        /// Sizes that do not fit `Int` saturate (`validate()` refuses them) rather than trap.
        public static func timm(size: [Int], cropPct: Double = 0.875, interpolation: String = "bicubic",
                                mean: [Float] = imagenetMean, std: [Float] = imagenetStd) -> Preprocessing {
            let square = size.count == 2 && size[0] == size[1]
            let scaled = ViTConfig.saturatingInt(Double(size.first ?? 0) / cropPct)
            let resize = square ? [scaled] : size.map { ViTConfig.saturatingInt(Double($0) / cropPct) }
            return Preprocessing(resize: resize, resizeShorterSide: square, interpolation: interpolation,
                                 crop: size, mean: mean, std: std)
        }

        /// Hugging Face `ViTImageProcessor`: resize straight to `size`, bilinear, mean/std 0.5.
        public static func huggingFace(size: [Int], mean: [Float] = [0.5, 0.5, 0.5], std: [Float] = [0.5, 0.5, 0.5]) -> Preprocessing {
            Preprocessing(resize: size, resizeShorterSide: false, interpolation: "bilinear", crop: size, mean: mean, std: std)
        }

        public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
        public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

        /// Checks the recipe against `ViTConfig.Limits`: one or two resize sides and two crop sides
        /// in `imageSide`, bicubic or bilinear, one or three finite means and standard deviations
        /// (non-zero) in `meanStd`.
        /// - Throws: `ViTError.invalidConfig` naming the field.
        public func validate() throws {
            func fail(_ s: String) -> ViTError { .invalidConfig("preprocessing: \(s)") }
            let side = ViTConfig.Limits.imageSide
            guard (1...2).contains(resize.count), resize.allSatisfy(side.contains) else {
                throw fail("resize must be 1 or 2 sides in \(side.lowerBound)...\(side.upperBound), is \(resize)")
            }
            guard crop.count == 2, crop.allSatisfy(side.contains) else {
                throw fail("crop must be [h, w] in \(side.lowerBound)...\(side.upperBound), is \(crop)")
            }
            guard interpolation == "bicubic" || interpolation == "bilinear" else {
                throw fail("interpolation must be bicubic or bilinear, is \(interpolation)")
            }
            for (name, v) in [("mean", mean), ("std", std)] {
                guard v.count == 1 || v.count == 3, v.allSatisfy({ $0.isFinite && ViTConfig.Limits.meanStd.contains(Double($0)) }) else {
                    throw fail("\(name) must be 1 or 3 finite values, is \(v)")
                }
            }
            guard !std.contains(0) else { throw fail("std must be non-zero, is \(std)") }
        }
    }

    public init(imageSize: [Int], patchSize: [Int], channels: Int = 3, embedDim: Int, depth: Int, numHeads: Int,
                mlpHidden: Int, eps: Double = 1e-6, classToken: Bool = true, distToken: Bool = false, regTokens: Int = 0,
                posEmbedIncludesPrefix: Bool = true, numClasses: Int, globalPool: String = "token", fcNorm: Bool = false,
                finalNorm: Bool = true, qkvBias: Bool = true, layerScale: Bool = false, pooler: Bool = false,
                activation: String = "gelu", normPre: Bool = false, patchBias: Bool = true, projectionDim: Int = 0,
                maskToken: Bool = false, family: String = "vit", labels: [String]? = nil, preprocessing: Preprocessing? = nil) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channels = channels
        self.embedDim = embedDim
        self.depth = depth
        self.numHeads = numHeads
        self.mlpHidden = mlpHidden
        self.eps = eps
        self.classToken = classToken
        self.distToken = distToken
        self.regTokens = regTokens
        self.posEmbedIncludesPrefix = posEmbedIncludesPrefix
        self.numClasses = numClasses
        self.globalPool = globalPool
        self.fcNorm = fcNorm
        self.finalNorm = finalNorm
        self.qkvBias = qkvBias
        self.layerScale = layerScale
        self.pooler = pooler
        self.activation = activation
        self.normPre = normPre
        self.patchBias = patchBias
        self.projectionDim = projectionDim
        self.maskToken = maskToken
        self.family = family
        self.labels = labels
        self.preprocessing = preprocessing ?? .timm(size: imageSize)
    }

    /// Patch grid `[rows, cols]`.
    public var gridSize: [Int] { [imageSize[0] / patchSize[0], imageSize[1] / patchSize[1]] }
    /// Number of patch tokens.
    public var numPatches: Int { gridSize[0] * gridSize[1] }
    /// Class + distillation + register tokens.
    public var numPrefixTokens: Int { (classToken ? 1 : 0) + (distToken ? 1 : 0) + regTokens }
    /// The MLP activation, `nil` when `activation` names none vitopt knows (`validate()` refuses it).
    public var mlpActivation: ViTActivation? { ViTActivation(rawValue: activation) }
    /// The pooling, `nil` when `globalPool` names none vitopt knows (`validate()` refuses it).
    public var pooling: ViTPooling? { ViTPooling(rawValue: globalPool) }
    /// Rows of `fc1`'s weight: the hidden width, doubled for SwiGLU's gate and value halves.
    public var fc1Rows: Int { activation == ViTActivation.swiglu.rawValue ? 2 * mlpHidden : mlpHidden }
    /// Width of the pooled feature the head reads: `2·D` for `token_avg`, else `D`.
    public var pooledWidth: Int { globalPool == ViTPooling.tokenAvg.rawValue ? 2 * embedDim : embedDim }
    /// Rows of the position embedding.
    public var numPositions: Int { numPatches + (posEmbedIncludesPrefix ? numPrefixTokens : 0) }
    /// The relative position bias, `nil` when `relativePositionBias` names none vitopt knows (`validate()` refuses it).
    public var relativeBias: ViTRelativePositionBias? { ViTRelativePositionBias(rawValue: relativePositionBias) }
    /// Width of one attention head.
    public var headDim: Int { numHeads > 0 ? embedDim / numHeads : 0 }

    /// Checks internal consistency (sizes positive and within `Limits`, heads dividing the width,
    /// image a multiple of the patch, a valid preprocessing recipe). A config decoded from a file's
    /// metadata is untrusted until this passes.
    public func validate() throws {
        func fail(_ s: String) -> ViTError { .invalidConfig(s) }
        guard imageSize.count == 2, patchSize.count == 2 else { throw fail("image_size and patch_size need two values [h, w]") }
        guard imageSize.allSatisfy({ $0 > 0 }), patchSize.allSatisfy({ $0 > 0 }), channels > 0, embedDim > 0, depth >= 0, mlpHidden > 0 else {
            throw fail("sizes must be positive")
        }
        func within(_ v: Int, _ r: ClosedRange<Int>, _ name: String) throws {
            guard r.contains(v) else { throw fail("\(name) = \(v) is outside \(r.lowerBound)...\(r.upperBound)") }
        }
        for v in imageSize { try within(v, Limits.imageSide, "image_size") }
        try within(channels, Limits.channels, "channels")
        try within(embedDim, Limits.embedDim, "embed_dim")
        try within(depth, Limits.depth, "depth")
        try within(numHeads, Limits.numHeads, "num_heads")
        try within(mlpHidden, Limits.mlpHidden, "mlp_hidden")
        try within(numClasses, Limits.numClasses, "num_classes")
        try within(regTokens, Limits.regTokens, "reg_tokens")
        guard eps.isFinite, Limits.eps.contains(eps) else { throw fail("eps = \(eps) must be in (0, 1]") }
        guard imageSize[0] % patchSize[0] == 0, imageSize[1] % patchSize[1] == 0 else {
            throw fail("image size \(imageSize[0])×\(imageSize[1]) is not a multiple of the patch size \(patchSize[0])×\(patchSize[1])")
        }
        guard numHeads > 0, embedDim % numHeads == 0 else { throw fail("embed_dim \(embedDim) is not divisible by num_heads \(numHeads)") }
        guard let pool = pooling else {
            throw fail("global_pool must be one of \(ViTPooling.allCases.map(\.rawValue).joined(separator: ", ")), is \"\(globalPool)\"")
        }
        guard mlpActivation != nil else {
            throw fail("activation must be one of \(ViTActivation.allCases.map(\.rawValue).joined(separator: ", ")), is \(activation)")
        }
        guard !((pool == .token || pool == .tokenAvg) && numPrefixTokens == 0) else { throw fail("global_pool \"\(globalPool)\" needs a class token") }
        try within(projectionDim, Limits.projectionDim, "projection_dim")
        guard !(distToken && pool != .token) else { throw fail("a distillation token needs global_pool \"token\"") }
        guard !(projectionDim > 0 && numClasses > 0) else { throw fail("a model has either an image projection or a classifier head, not both") }
        guard !(pool == .map && fcNorm) else { throw fail("attention pooling has its own norm; fc_norm is not supported with it") }
        guard !distToken || classToken else { throw fail("a distillation token needs a class token") }
        guard let relative = relativeBias else {
            throw fail("relative_position_bias must be one of \(ViTRelativePositionBias.allCases.map(\.rawValue).joined(separator: ", ")), is \(relativePositionBias)")
        }
        if relative != .absent {
            guard classToken, numPrefixTokens == 1, posEmbedIncludesPrefix || !absolutePositions else {
                throw fail("a relative position bias needs exactly one class token and no other prefix tokens (BEiT)")
            }
            try within(ViTRelativePositionBias.tableRows(grid: gridSize) ?? Int.max, Limits.relativeBiasRows, "relative position table rows")
        }
        try rope?.validate(headDim: headDim)
        try preprocessing.validate()
    }
}

extension ViTConfig {
    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size", patchSize = "patch_size", channels, embedDim = "embed_dim", depth
        case numHeads = "num_heads", mlpHidden = "mlp_hidden", eps, classToken = "class_token", distToken = "dist_token"
        case regTokens = "reg_tokens", posEmbedIncludesPrefix = "pos_embed_includes_prefix", numClasses = "num_classes"
        case globalPool = "global_pool", fcNorm = "fc_norm", finalNorm = "final_norm", qkvBias = "qkv_bias"
        case layerScale = "layer_scale", pooler, activation, normPre = "norm_pre", patchBias = "patch_bias"
        case projectionDim = "projection_dim", maskToken = "mask_token", family, positionResample = "position_resample"
        case labels, preprocessing
        case absolutePositions = "absolute_positions", relativePositionBias = "relative_position_bias", rope, mlpNorm = "mlp_norm"
    }

    /// Encodes every field, leaving out the features added later when they have their plain-ViT
    /// value, so a plain ViT's metadata is what earlier versions wrote, byte for byte.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(imageSize, forKey: .imageSize)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(channels, forKey: .channels)
        try c.encode(embedDim, forKey: .embedDim)
        try c.encode(depth, forKey: .depth)
        try c.encode(numHeads, forKey: .numHeads)
        try c.encode(mlpHidden, forKey: .mlpHidden)
        try c.encode(eps, forKey: .eps)
        try c.encode(classToken, forKey: .classToken)
        try c.encode(distToken, forKey: .distToken)
        try c.encode(regTokens, forKey: .regTokens)
        try c.encode(posEmbedIncludesPrefix, forKey: .posEmbedIncludesPrefix)
        try c.encode(numClasses, forKey: .numClasses)
        try c.encode(globalPool, forKey: .globalPool)
        try c.encode(fcNorm, forKey: .fcNorm)
        try c.encode(finalNorm, forKey: .finalNorm)
        try c.encode(qkvBias, forKey: .qkvBias)
        try c.encode(layerScale, forKey: .layerScale)
        try c.encode(pooler, forKey: .pooler)
        try c.encode(activation, forKey: .activation)
        if normPre { try c.encode(normPre, forKey: .normPre) }
        if !patchBias { try c.encode(patchBias, forKey: .patchBias) }
        if projectionDim != 0 { try c.encode(projectionDim, forKey: .projectionDim) }
        if maskToken { try c.encode(maskToken, forKey: .maskToken) }
        if family != "vit" { try c.encode(family, forKey: .family) }
        try c.encodeIfPresent(positionResample, forKey: .positionResample)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encode(preprocessing, forKey: .preprocessing)
        if !absolutePositions { try c.encode(absolutePositions, forKey: .absolutePositions) }
        if relativePositionBias != ViTRelativePositionBias.absent.rawValue { try c.encode(relativePositionBias, forKey: .relativePositionBias) }
        try c.encodeIfPresent(rope, forKey: .rope)
        if mlpNorm { try c.encode(mlpNorm, forKey: .mlpNorm) }
    }

    /// Decodes a config written by any vitopt version: features added later default to their
    /// plain-ViT values when absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode([Int].self, forKey: .imageSize)
        patchSize = try c.decode([Int].self, forKey: .patchSize)
        channels = try c.decode(Int.self, forKey: .channels)
        embedDim = try c.decode(Int.self, forKey: .embedDim)
        depth = try c.decode(Int.self, forKey: .depth)
        numHeads = try c.decode(Int.self, forKey: .numHeads)
        mlpHidden = try c.decode(Int.self, forKey: .mlpHidden)
        eps = try c.decode(Double.self, forKey: .eps)
        classToken = try c.decode(Bool.self, forKey: .classToken)
        distToken = try c.decode(Bool.self, forKey: .distToken)
        regTokens = try c.decode(Int.self, forKey: .regTokens)
        posEmbedIncludesPrefix = try c.decode(Bool.self, forKey: .posEmbedIncludesPrefix)
        numClasses = try c.decode(Int.self, forKey: .numClasses)
        globalPool = try c.decode(String.self, forKey: .globalPool)
        fcNorm = try c.decode(Bool.self, forKey: .fcNorm)
        finalNorm = try c.decode(Bool.self, forKey: .finalNorm)
        qkvBias = try c.decode(Bool.self, forKey: .qkvBias)
        layerScale = try c.decode(Bool.self, forKey: .layerScale)
        pooler = try c.decode(Bool.self, forKey: .pooler)
        activation = try c.decode(String.self, forKey: .activation)
        normPre = try c.decodeIfPresent(Bool.self, forKey: .normPre) ?? false
        patchBias = try c.decodeIfPresent(Bool.self, forKey: .patchBias) ?? true
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim) ?? 0
        maskToken = try c.decodeIfPresent(Bool.self, forKey: .maskToken) ?? false
        family = try c.decodeIfPresent(String.self, forKey: .family) ?? "vit"
        positionResample = try c.decodeIfPresent(String.self, forKey: .positionResample)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        preprocessing = try c.decode(Preprocessing.self, forKey: .preprocessing)
        absolutePositions = try c.decodeIfPresent(Bool.self, forKey: .absolutePositions) ?? true
        relativePositionBias = try c.decodeIfPresent(String.self, forKey: .relativePositionBias) ?? ViTRelativePositionBias.absent.rawValue
        rope = try c.decodeIfPresent(ViTRoPE.self, forKey: .rope)
        mlpNorm = try c.decodeIfPresent(Bool.self, forKey: .mlpNorm) ?? false
    }
}

extension ViTConfig.Preprocessing {
    enum CodingKeys: String, CodingKey {
        case resize, resizeShorterSide = "resize_shorter_side", interpolation, crop, mean, std
    }
}
