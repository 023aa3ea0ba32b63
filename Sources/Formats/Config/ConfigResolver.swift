import Graph

/// Turns a file's ViT tensors plus `ConfigHints` into a complete `ViTConfig`.
///
/// Shapes decide everything they can (width, channels, patch, depth, MLP width, tokens, classes,
/// which norms exist); hints decide the rest (heads, eps, image size when the grid is ambiguous,
/// pooling). A hint that contradicts a shape is an error; a value that had to be guessed is
/// returned as a warning, never silently.
public enum ConfigResolver {
    public static func resolve(tensors: [ViTTensorKey: Tensor], hints: ConfigHints, convention: NamingConvention,
                               family: String = "vit", path: String) throws -> (ViTConfig, [String]) {
        var warnings: [String] = []
        func fail(_ s: String) -> FormatError { .config(path: path, detail: s) }
        func has(_ p: ViTPart, _ b: Int? = nil) -> Bool { tensors[ViTTensorKey(p, block: b)] != nil }
        func shape(_ p: ViTPart) -> [Int]? { tensors[ViTTensorKey(p)]?.shape }

        guard let pw = shape(.patchWeight), pw.count == 4 else { throw fail("the patch-embedding weight must be 4-D [D, C, Ph, Pw]") }
        let d = pw[0], channels = pw[1], patch = [pw[2], pw[3]]
        let depth = (tensors.keys.compactMap(\.block).max() ?? -1) + 1
        let from = hints.sources.isEmpty ? "the config" : hints.sources.joined(separator: ", ")
        func check(_ hint: Int?, _ actual: Int, _ what: String) throws {
            if let h = hint, h != actual { throw fail("\(from) says \(what) = \(h), the weights have \(actual)") }
        }
        try check(hints.embedDim, d, "embed_dim")
        try check(hints.depth, depth, "depth")
        if let hp = hints.patchSize, hp != patch { throw fail("\(from) says patch_size = \(hp), the weights have \(patch)") }

        let fc1Rows = tensors[ViTTensorKey(.fc1Weight, block: 0)]?.shape.first
        // A gated MLP's fc1 has twice the rows fc2 has columns (timm Eva's GluMlp / SwiGLU say so only in their shapes).
        let gated = hints.activation == nil && fc1Rows != nil && fc1Rows == tensors[ViTTensorKey(.fc2Weight, block: 0)]?.shape.last.map { 2 * $0 }
        let swiglu = hints.activation == ViTActivation.swiglu.rawValue || gated
        let mlp = fc1Rows.map { swiglu ? $0 / 2 : $0 } ?? tensors[ViTTensorKey(.mapFc1Weight)]?.shape.first ?? hints.mlpHidden ?? 4 * d
        try check(hints.mlpHidden, mlp, "the MLP width")
        let cls = has(.clsToken), dist = has(.distToken)
        if let hc = hints.classToken, hc != cls { throw fail("\(from) says class_token = \(hc), the weights \(cls ? "have" : "have no") cls_token") }
        let reg = shape(.regToken).map { $0.count == 3 ? $0[1] : 0 } ?? 0
        try check(hints.regTokens.map { $0 }, reg, "reg_tokens")
        let classes = shape(.headWeight)?.first ?? 0
        if let hc = hints.numClasses, classes > 0, hc != classes { throw fail("\(from) says num_classes = \(hc), the head has \(classes)") }
        let prefix = (cls ? 1 : 0) + (dist ? 1 : 0) + reg
        let relative = try RelativeBiasResolution(tensors: tensors, path: path)
        // A RoPE model may have no position table: its grid comes from the image size alone.
        let absolute = has(.posEmbed) || (relative.mode == .absent && hints.rope == nil)
        if !absolute && relative.mode == .absent && hints.imageSize == nil {
            throw fail("a model without a position table (RoPE only) needs its image size; give --image-size HxW")
        }
        let ropeRows = hints.imageSize.flatMap { s -> Int? in
            guard s.count == 2, s.allSatisfy(ViTConfig.Limits.imageSide.contains) else { return nil }
            return (s[0] / max(patch[0], 1)) * (s[1] / max(patch[1], 1)) + prefix
        }
        guard !absolute || (shape(.posEmbed).map { $0.count == 3 && $0[0] == 1 && $0[2] == d } ?? false) else {
            throw fail("the position embedding must be [1, T, \(d)], is \(shape(.posEmbed).map { "\($0)" } ?? "missing") (only learned absolute position embeddings are supported)")
        }
        // Without an absolute table, the relative one sizes the grid (the class token + the patches),
        // or for RoPE alone the image size.
        let positions = shape(.posEmbed)?[1] ?? relative.squareGrid.map { $0 * $0 + prefix } ?? ropeRows ?? -1

        var imageSize: [Int]
        var includesPrefix: Bool
        if let size = hints.imageSize {
            guard size.count == 2, size[0] % patch[0] == 0, size[1] % patch[1] == 0 else {
                throw fail("image size \(size) is not a multiple of the patch size \(patch)")
            }
            imageSize = size
            let (grid, overflow) = (size[0] / patch[0]).multipliedReportingOverflow(by: size[1] / patch[1])
            guard !overflow, size.allSatisfy(ViTConfig.Limits.imageSide.contains) else {
                throw fail("image size \(size) is outside \(ViTConfig.Limits.imageSide.lowerBound)...\(ViTConfig.Limits.imageSide.upperBound)")
            }
            if let inc = hints.posEmbedIncludesPrefix {
                includesPrefix = inc
            } else if positions == grid + prefix {
                includesPrefix = true
            } else {
                includesPrefix = false
            }
            let want = grid + (includesPrefix ? prefix : 0)
            guard positions == want else {
                throw fail("image size \(size[0])×\(size[1]) with patch \(patch[0])×\(patch[1]) gives \(grid) patches (+\(includesPrefix ? prefix : 0) prefix), the position embedding has \(positions) rows")
            }
        } else {
            let candidates: [Bool] = hints.posEmbedIncludesPrefix.map { [$0] } ?? [true, false]
            var found: (Int, Bool)?
            for inc in candidates {
                let g = positions - (inc ? prefix : 0)
                let side = Int(Double(max(g, 0)).squareRoot().rounded())
                if side > 0 && side * side == g { found = (side, inc); break }
            }
            guard let (side, inc) = found else {
                throw fail("cannot infer the patch grid from \(positions) position rows (not square); give the image size (--image-size HxW)")
            }
            imageSize = [side * patch[0], side * patch[1]]
            includesPrefix = inc
            warnings.append("image size not given; assuming a square \(imageSize[0])×\(imageSize[1]) input from the position embedding")
        }

        var heads: Int
        if let h = hints.numHeads ?? relative.heads {
            heads = h
        } else {
            guard d % 64 == 0 else { throw fail("the number of attention heads is not known and \(d) is not a multiple of 64; give --heads") }
            heads = d / 64
            warnings.append("number of heads not given; guessing \(heads) (head dim 64) — pass --heads to be sure")
        }
        let defaultEps: Double = convention == .timm ? 1e-6 : (convention == .openclip ? 1e-5 : 1e-12)
        var eps: Double
        if let e = hints.eps {
            eps = e
        } else {
            eps = defaultEps
            warnings.append("LayerNorm eps not given; using \(convention.rawValue)'s default \(eps)")
        }
        let fcNorm = has(.fcNormWeight)
        var pool = hints.globalPool ?? (has(.mapLatent) ? ViTPooling.map.rawValue : (fcNorm || !cls ? "avg" : "token"))
        if has(.mapLatent) && pool != ViTPooling.map.rawValue {
            throw fail("\(from) says global_pool = \(pool), the weights have an attention-pooling head")
        }
        // The class+mean pooling exists for the classifier; a backbone's pooled output is its class token.
        if pool == ViTPooling.tokenAvg.rawValue && classes == 0 { pool = ViTPooling.token.rawValue }
        var config = ViTConfig(
            imageSize: imageSize, patchSize: patch, channels: channels, embedDim: d, depth: depth, numHeads: heads,
            mlpHidden: mlp, eps: eps, classToken: cls, distToken: dist, regTokens: reg, posEmbedIncludesPrefix: includesPrefix,
            numClasses: classes, globalPool: pool.isEmpty ? "token" : pool, fcNorm: fcNorm, finalNorm: has(.normWeight),
            qkvBias: has(.qkvBias, 0) || has(.qBias, 0), layerScale: has(.ls1, 0), pooler: has(.poolerWeight),
            activation: hints.activation ?? (gated ? ViTActivation.swiglu.rawValue : "gelu"), normPre: has(.normPreWeight), patchBias: has(.patchBias),
            projectionDim: shape(.imageProjection)?.first ?? 0, maskToken: has(.maskToken),
            family: convention == .timm ? (hints.family ?? family) : family, labels: hints.labels,
            preprocessing: hints.preprocessing ?? (convention == .hf ? .huggingFace(size: imageSize) : .timm(size: imageSize)))
        config.positionResample = hints.positionResample.flatMap { ResamplePreset(rawValue: $0) == nil ? nil : $0 }
        config.absolutePositions = absolute
        config.relativePositionBias = relative.mode.rawValue
        config.rope = hints.rope
        config.mlpNorm = has(.mlpNormWeight, 0)
        do {
            try config.validate()
        } catch let e as ViTError {
            throw fail(e.description)
        }
        if let labels = config.labels, labels.count != classes {
            if classes > 0 { warnings.append("\(labels.count) class labels for \(classes) classes; labels ignored") }
            var c = config
            c.labels = nil
            return (c, warnings)
        }
        return (config, warnings)
    }
}
