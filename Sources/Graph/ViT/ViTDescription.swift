/// One ViT, convention-free: its config, its parameters by role, the names they had in the source
/// file, and any source tensors that are not ViT parameters (carried through untouched).
public struct ViTDescription: Sendable {
    public var config: ViTConfig
    public var tensors: [ViTTensorKey: Tensor]
    /// Name of each parameter in the file it came from (used as initializer names).
    public var sourceNames: [ViTTensorKey: String]
    /// Source tensors that are not part of the ViT, by their original names.
    public var extras: [String: Tensor]

    public init(config: ViTConfig, tensors: [ViTTensorKey: Tensor], sourceNames: [ViTTensorKey: String] = [:],
                extras: [String: Tensor] = [:]) {
        self.config = config
        self.tensors = tensors
        self.sourceNames = sourceNames
        self.extras = extras
    }

    /// Whether the attention input projection is stored packed (`qkv`) rather than as q, k, v.
    public var packedQKV: Bool { tensors[ViTTensorKey(.qkvWeight, block: 0)] != nil || config.depth == 0 }

    /// Every parameter the config calls for, in canonical order, in this description's qkv form.
    public var requiredKeys: [ViTTensorKey] {
        let c = config
        var keys: [ViTTensorKey] = [.init(.patchWeight)]
        if c.patchBias { keys.append(.init(.patchBias)) }
        if c.absolutePositions { keys.append(.init(.posEmbed)) }
        if c.relativeBias == .shared { keys.append(.init(.sharedRelativeBiasTable)) }
        if c.classToken { keys.append(.init(.clsToken)) }
        if c.distToken { keys.append(.init(.distToken)) }
        if c.regTokens > 0 { keys.append(.init(.regToken)) }
        if c.maskToken { keys.append(.init(.maskToken)) }
        if c.normPre { keys += [.init(.normPreWeight), .init(.normPreBias)] }
        for b in 0..<c.depth {
            var parts: [ViTPart] = [.norm1Weight, .norm1Bias]
            if packedQKV {
                parts += [.qkvWeight] + (c.qkvBias ? [.qkvBias] : [])
            } else {
                parts += [.qWeight, .kWeight, .vWeight] + (c.qkvBias ? [.qBias, .kBias, .vBias] : [])
            }
            parts += [.projWeight, .projBias, .norm2Weight, .norm2Bias, .fc1Weight, .fc1Bias, .fc2Weight, .fc2Bias]
            if c.mlpNorm { parts += [.mlpNormWeight, .mlpNormBias] }
            if c.layerScale { parts += [.ls1, .ls2] }
            if c.relativeBias == .perBlock { parts.append(.relativeBiasTable) }
            keys += parts.map { ViTTensorKey($0, block: b) }
        }
        if c.finalNorm { keys += [.init(.normWeight), .init(.normBias)] }
        if c.globalPool == ViTPooling.map.rawValue {
            keys += [ViTPart.mapLatent, .mapQWeight, .mapQBias, .mapKVWeight, .mapKVBias, .mapProjWeight, .mapProjBias,
                     .mapNormWeight, .mapNormBias, .mapFc1Weight, .mapFc1Bias, .mapFc2Weight, .mapFc2Bias].map { .init($0) }
        }
        if c.fcNorm { keys += [.init(.fcNormWeight), .init(.fcNormBias)] }
        if c.pooler { keys += [.init(.poolerWeight), .init(.poolerBias)] }
        if c.projectionDim > 0 { keys.append(.init(.imageProjection)) }
        if c.numClasses > 0 {
            keys += [.init(.headWeight), .init(.headBias)]
            if c.distToken { keys += [.init(.headDistWeight), .init(.headDistBias)] }
        }
        return keys
    }

    /// The shape the config implies for `key`.
    public func expectedShape(_ key: ViTTensorKey) -> [Int] {
        let c = config, d = c.embedDim
        switch key.part {
        case .patchWeight: return [d, c.channels, c.patchSize[0], c.patchSize[1]]
        case .clsToken, .distToken, .mapLatent: return [1, 1, d]
        case .maskToken: return [1, d]
        case .mapKVWeight: return [2 * d, d]
        case .mapKVBias: return [2 * d]
        case .mapQWeight, .mapProjWeight: return [d, d]
        case .mapFc1Weight: return [c.mlpHidden, d]
        case .mapFc1Bias: return [c.mlpHidden]
        case .mapFc2Weight: return [d, c.mlpHidden]
        case .imageProjection: return [c.projectionDim, d]
        case .relativeBiasTable, .sharedRelativeBiasTable: return [ViTRelativePositionBias.tableRows(grid: c.gridSize) ?? 0, c.numHeads]
        case .regToken: return [1, c.regTokens, d]
        case .posEmbed: return [1, c.numPositions, d]
        case .qkvWeight: return [3 * d, d]
        case .qkvBias: return [3 * d]
        case .qWeight, .kWeight, .vWeight, .projWeight, .poolerWeight: return [d, d]
        case .fc1Weight: return [c.fc1Rows, d]
        case .fc1Bias: return [c.fc1Rows]
        case .fc2Weight: return [d, c.mlpHidden]
        case .mlpNormWeight, .mlpNormBias: return [c.mlpHidden]
        case .headWeight: return [c.numClasses, c.pooledWidth]
        case .headDistWeight: return [c.numClasses, d]
        case .headBias, .headDistBias: return [c.numClasses]
        case .patchBias, .norm1Weight, .norm1Bias, .qBias, .kBias, .vBias, .projBias, .ls1, .norm2Weight, .norm2Bias,
             .fc2Bias, .ls2, .normWeight, .normBias, .fcNormWeight, .fcNormBias, .poolerBias, .normPreWeight, .normPreBias,
             .mapQBias, .mapProjBias, .mapNormWeight, .mapNormBias, .mapFc2Bias:
            return [d]
        }
    }

    /// The name to show for `key`: its source name when known, else the canonical one.
    public func displayName(_ key: ViTTensorKey) -> String { sourceNames[key] ?? key.description }

    /// Checks the config and that exactly the required parameters are present, float-typed, with the
    /// expected shapes.
    /// - Throws: `ViTError` naming the first offending tensor (by its source name).
    public func validate() throws {
        try config.validate()
        let required = requiredKeys
        for key in required {
            guard let t = tensors[key] else { throw ViTError.missingTensor(displayName(key)) }
            guard t.dtype.isFloatingPoint else { throw ViTError.tensorDType(tensor: displayName(key), got: t.dtype) }
            let want = expectedShape(key)
            guard t.shape == want else { throw ViTError.tensorShape(tensor: displayName(key), expected: want, got: t.shape) }
        }
        let requiredSet = Set(required)
        if let stray = tensors.keys.sorted().first(where: { !requiredSet.contains($0) }) {
            throw ViTError.invalidConfig("tensor '\(displayName(stray))' is not used by this config (check depth, tokens and qkv layout)")
        }
    }

    /// The same model with each block's q, k, v concatenated into one packed `qkv` (timm layout).
    /// The concatenation copies; values are unchanged bit for bit.
    public func packingQKV() -> ViTDescription {
        guard !packedQKV else { return self }
        var out = self
        for b in 0..<config.depth {
            let parts: [(ViTPart, ViTPart, ViTPart, ViTPart)] = [(.qWeight, .kWeight, .vWeight, .qkvWeight), (.qBias, .kBias, .vBias, .qkvBias)]
            for (q, k, v, packed) in parts {
                guard let tq = tensors[.init(q, block: b)], let tk = tensors[.init(k, block: b)], let tv = tensors[.init(v, block: b)] else { continue }
                out.tensors[.init(packed, block: b)] = Tensor.concatenateRows([tq, tk, tv])
                for p in [q, k, v] {
                    out.tensors[.init(p, block: b)] = nil
                    out.sourceNames[.init(p, block: b)] = nil
                }
            }
        }
        return out
    }

    /// The same model with each block's packed `qkv` split into q, k, v (Hugging Face layout).
    /// The split is zero-copy (row slices of the packed tensor).
    public func splittingQKV() -> ViTDescription {
        guard packedQKV else { return self }
        var out = self
        let d = config.embedDim
        for b in 0..<config.depth {
            for (packed, parts) in [(ViTPart.qkvWeight, [ViTPart.qWeight, .kWeight, .vWeight]), (.qkvBias, [.qBias, .kBias, .vBias])] {
                guard let t = tensors[.init(packed, block: b)] else { continue }
                for (i, p) in parts.enumerated() { out.tensors[.init(p, block: b)] = t.slice(rows: (i * d)..<((i + 1) * d)) }
                out.tensors[.init(packed, block: b)] = nil
                out.sourceNames[.init(packed, block: b)] = nil
            }
        }
        return out
    }
}
