import Graph

extension StudentBuilder {
    /// A Swin student of a Swin teacher: the teacher's input, patch size, window, stage count, qkv bias,
    /// head (or none) and preprocessing, with the student options read per stage:
    /// - `depth` D: at most D blocks per stage (D each with a fresh initialisation), copied from evenly spread
    ///   blocks of the same teacher stage (block i ← ⌊i·L/D⌋) when the widths are the teacher's;
    /// - `dim` W: the first stage's width (stage s is W·2^s); `heads` H: H·2^s heads in stage s (Swin's
    ///   doubling); `mlpRatio` R: MLP width R·(stage width). Any of them differing from the teacher's
    ///   initialises every tensor as timm does (Linear and the relative position bias tables trunc_normal std
    ///   .02 with zero bias, LayerNorm 1/0, the patch conv PyTorch's default U(±1/√fan_in)), from `seed`.
    /// Copied: the patch embedding and its norm, the patch-merging layers, the final norm and the head.
    /// - Returns: the student and a one-line account of how it was made.
    /// - Throws: `DistillError.invalidStudent` naming the option at fault; `TensorError` when the student
    ///   cannot be trained in the memory available (checked before allocating).
    public static func swin(teacher: SwinDescription, spec: Spec, seed: UInt64) throws -> (SwinDescription, String) {
        let t = teacher.config
        if spec.distToken { throw DistillError.invalidStudent("--dist-token: a Swin student has no distillation token") }
        if t.isV2 {
            throw DistillError.invalidStudent("a Swin v2 student: no backward pass for cosine attention and the continuous position bias yet; a Swin v2 teacher can train a ViT student (--student vit)")
        }
        var c = t
        var fresh = spec.freshInit
        if let dim = spec.dim, dim != t.embedDim { c.embedDim = dim; fresh = true }
        if let h = spec.heads {
            c.numHeads = (0..<t.stageCount).map { h << $0 }
            if c.numHeads != t.numHeads { fresh = true }
        }
        if let r = spec.mlpRatio {
            c.mlpHidden = (0..<t.stageCount).map { Int((Double(c.width(stage: $0)) * r).rounded()) }
            guard c.mlpHidden.allSatisfy({ $0 >= 1 }) else { throw DistillError.invalidStudent("--student-mlp-ratio \(r) gives an empty MLP") }
        } else if c.embedDim != t.embedDim {
            c.mlpHidden = (0..<t.stageCount).map { s in Int((Double(c.width(stage: s)) * Double(t.mlpHidden[s]) / Double(t.width(stage: s))).rounded()) }
        }
        if c.mlpHidden != t.mlpHidden { fresh = true }
        if let d = spec.depth {
            guard d >= 1 else { throw DistillError.invalidStudent("--student-depth must be at least 1, got \(d)") }
            c.depths = t.depths.map { fresh ? d : min($0, d) }
        }
        let lastT = t.width(stage: t.stageCount - 1), lastS = c.width(stage: c.stageCount - 1)
        if c.numClasses == 0 && lastS != lastT {
            throw DistillError.invalidStudent("the teacher has no classifier: the student regresses its \(lastT)-wide pooled features and needs that width in its last stage, not \(lastS) (drop --student-dim)")
        }
        do { try c.validate() } catch let e as ViTError { throw DistillError.invalidStudent(e.description) }
        let shell = SwinDescription(config: c, tensors: [:])
        // The student, its gradients and AdamW's two moments, before any is allocated.
        let floats = shell.expected.reduce(0) { $0 + $1.shape.reduce(1, *) }
        try MemoryBudget.check(bytes: floats * 4 * 4, for: "Swin student parameters (embed dim \(c.embedDim), depths \(c.depths); model, gradients, AdamW moments)")
        var rng = SeededGenerator(seed: seed)
        var out = SwinDescription(config: c, tensors: [:])
        for (name, shape) in shell.expected {
            if !fresh, let source = teacher.tensors[sourceName(name, teacher: t, student: c)], source.shape == shape {
                out.tensors[name] = source.asF32().copy()
            } else {
                out.tensors[name] = initialSwin(name, shape: shape, config: c, rng: &rng)
            }
        }
        let how = fresh
            ? "Swin, freshly initialised (timm init, seed \(seed)): embed dim \(c.embedDim), depths \(c.depths), heads \(c.numHeads), window \(c.windowSize)"
            : "Swin, depths \(c.depths) from the teacher's \(t.depths) (blocks of each stage evenly spread); embeddings, merging, final norm and head copied"
        return (out, how)
    }

    /// The teacher tensor a copied student tensor comes from: block i of stage s ← teacher block ⌊i·L/D⌋.
    static func sourceName(_ name: String, teacher t: SwinConfig, student c: SwinConfig) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 4, parts[0] == "layers", parts[2] == "blocks", let s = Int(parts[1]), let b = Int(parts[3]),
              s < c.stageCount, s < t.stageCount else { return name }
        let src = b * t.depths[s] / c.depths[s]
        return (["layers", String(s), "blocks", String(src)] + parts.dropFirst(4).map(String.init)).joined(separator: ".")
    }

    static func initialSwin(_ name: String, shape: [Int], config c: SwinConfig, rng: inout SeededGenerator) -> Tensor {
        let t = Tensor(zeros: .f32, shape: shape)
        let p = t.mutableFloats, n = t.count
        if name.hasPrefix("patch_embed.proj.") {
            let bound = 1 / Float(c.channels * c.patchSize * c.patchSize).squareRoot()
            for i in 0..<n { p[i] = (Float(Double(rng.next() >> 11) * 0x1p-53) * 2 - 1) * bound }
        } else if shape.count >= 2 {
            for i in 0..<n { p[i] = rng.truncatedNormal(std: 0.02) }  // Linear weights and the bias tables
        } else if name.hasSuffix(".weight") {
            for i in 0..<n { p[i] = 1 }  // LayerNorm weights (every 1-D weight of a Swin is a norm's)
        }
        return t
    }
}
