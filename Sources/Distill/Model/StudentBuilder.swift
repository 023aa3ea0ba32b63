import Formats
import Graph

/// Builds a student ViT from a teacher's config.
///
/// - Fewer layers (`depth`), same width: blocks copied from evenly spread teacher layers
///   (block i ← teacher layer ⌊i·L/D⌋, DistilBERT's every-other-layer for D = L/2), with the patch and
///   position embeddings, prefix tokens, final norm and head copied.
/// - Narrower (`dim`, `heads`, `mlpRatio`), a named timm architecture, or `freshInit`: every tensor
///   initialised as timm does (Linear trunc_normal std .02 with zero bias, LayerNorm 1/0, pos_embed
///   trunc_normal .02, cls/reg tokens normal std 1e-6, dist token trunc_normal .02, the patch conv
///   PyTorch's default U(±1/√fan_in)), reproducible from `seed`.
/// - `distToken` adds a DeiT distillation token and `head_dist` (copied from the class token and
///   head when the rest is copied).
/// The student has the teacher's features (family, activation, `norm_pre`, patch bias, tokens, pooling,
/// LayerScale, mask token, projection) at its own width and depth; a headless teacher without a
/// projection keeps its width (the student regresses its pooled features), and the initial values of
/// the new parts are `norm_pre` 1/0, a zero mask token (as transformers initialises DINOv2's) and the
/// attention-pooling latent trunc_normal with std D^-½ (timm). A BEiT or Data2Vec-vision teacher gets a
/// student with its relative position bias layout (per block or shared, copied per layer like the blocks)
/// and its choice of absolute table, initialised fresh as timm's `Beit` (`initialiseAsBEiT`).
public enum StudentBuilder {
    public struct Spec: Sendable, Equatable {
        public var depth: Int?
        public var dim: Int?
        public var heads: Int?
        public var mlpRatio: Double?
        public var architecture: String?
        public var distToken = false
        public var freshInit = false
        public init(depth: Int? = nil, dim: Int? = nil, heads: Int? = nil, mlpRatio: Double? = nil, architecture: String? = nil,
                    distToken: Bool = false, freshInit: Bool = false) {
            self.depth = depth; self.dim = dim; self.heads = heads; self.mlpRatio = mlpRatio
            self.architecture = architecture; self.distToken = distToken; self.freshInit = freshInit
        }
    }

    /// - Returns: the student and a one-line account of how it was made.
    /// - Throws: `DistillError.invalidStudent` / `.mismatch` naming the setting at fault; `TensorError`
    ///   when the student cannot be trained in the memory available (checked before allocating).
    public static func build(teacher: ViTDescription, spec: Spec, seed: UInt64) throws -> (ViTDescription, String) {
        let t = teacher.packingQKV()
        var c = t.config
        c.labels = teacher.config.labels
        var fresh = spec.freshInit
        if let name = spec.architecture {
            let named = try ModelFactory.random(architecture: name, classes: c.numClasses, seed: seed).config
            guard named.imageSize == c.imageSize else {
                throw DistillError.mismatch("student \(name) runs at \(named.imageSize[0])×\(named.imageSize[1]), the teacher at \(c.imageSize[0])×\(c.imageSize[1]); the student must see the teacher's input")
            }
            c.patchSize = named.patchSize; c.embedDim = named.embedDim; c.depth = named.depth; c.numHeads = named.numHeads
            c.mlpHidden = named.mlpHidden; c.distToken = c.distToken || named.distToken
            fresh = true
        }
        if let d = spec.depth {
            guard d >= 1 else { throw DistillError.invalidStudent("--student-depth must be at least 1, got \(d)") }
            if !fresh && d > t.config.depth { throw DistillError.invalidStudent("--student-depth \(d) exceeds the teacher's \(t.config.depth) layers (add --fresh-init to train a deeper student)") }
            c.depth = d
        }
        if let dim = spec.dim, dim != c.embedDim { c.embedDim = dim; fresh = true }
        if let h = spec.heads, h != c.numHeads { c.numHeads = h; fresh = true }
        if let r = spec.mlpRatio {
            let m = Int((Double(c.embedDim) * r).rounded())
            guard m >= 1 else { throw DistillError.invalidStudent("--student-mlp-ratio \(r) gives an empty MLP") }
            if m != c.mlpHidden { c.mlpHidden = m; fresh = true }
        } else if fresh && spec.dim != nil {
            c.mlpHidden = c.mlpHidden * c.embedDim / t.config.embedDim
        }
        guard c.embedDim % c.numHeads == 0 else {
            throw DistillError.invalidStudent("width \(c.embedDim) is not divisible by \(c.numHeads) heads (set --student-heads)")
        }
        if c.numClasses == 0 && c.projectionDim == 0 && c.embedDim != t.config.embedDim {
            throw DistillError.invalidStudent("the teacher has neither a classifier nor a projection: the student regresses its \(t.config.embedDim)-wide pooled features and needs that width, not \(c.embedDim) (drop --student-dim)")
        }
        let addDist = spec.distToken && !c.distToken
        if spec.distToken { c.distToken = true }
        do { try c.validate() } catch let e as ViTError { throw DistillError.invalidStudent(e.description) }
        // The student, its copy in the trainer, its gradients and AdamW's two moments, before any is allocated.
        try ViTDescription.checkMemory(for: c, copies: 5, what: "student parameters (width \(c.embedDim), depth \(c.depth); model, gradients, AdamW moments)")
        var shell = ViTDescription(config: c, tensors: [:])
        shell.tensors[ViTTensorKey(.qkvWeight, block: 0)] = Tensor(zeros: .f32, shape: [1])
        var rng = SeededGenerator(seed: seed)
        var out = ViTDescription(config: c, tensors: [:])
        let layers = (0..<c.depth).map { $0 * t.config.depth / c.depth }
        for key in shell.requiredKeys {
            let shape = shell.expectedShape(key)
            if !fresh {
                let src = key.block.map { ViTTensorKey(key.part, block: layers[$0]) } ?? key
                let fallback: ViTTensorKey? = addDist ? [.distToken: ViTTensorKey(.clsToken), .headDistWeight: ViTTensorKey(.headWeight),
                                                         .headDistBias: ViTTensorKey(.headBias)][key.part] : nil
                var copied = t.tensors[src]
                if key.part == .posEmbed, addDist, c.posEmbedIncludesPrefix, let pos = copied {
                    copied = insertingRow(pos, at: 1)  // the dist token's position starts as the class token's
                }
                if let source = copied ?? fallback.flatMap({ t.tensors[$0] }), source.shape == shape {
                    out.tensors[key] = source.asF32().copy()
                    continue
                }
            }
            out.tensors[key] = initial(key, shape: shape, config: c, rng: &rng)
        }
        if fresh && c.writtenAsBEiT { initialiseAsBEiT(&out, rng: &rng) }
        let how = fresh
            ? "freshly initialised (timm init, seed \(seed)): width \(c.embedDim), depth \(c.depth), \(c.numHeads) heads, MLP \(c.mlpHidden)"
            : "depth \(c.depth) from teacher layers \(layers.map(String.init).joined(separator: ", ")) of \(t.config.depth); embeddings, final norm and head copied"
        return (out, how + (addDist ? "; distillation token added" : ""))
    }

    static func insertingRow(_ pos: Tensor, at row: Int) -> Tensor {
        let d = pos.shape[2], n = pos.shape[1]
        let out = Tensor(zeros: .f32, shape: [1, n + 1, d])
        pos.withFloats { f in
            out.withMutableFloats { o in
                guard let src = f.baseAddress, let dst = o.baseAddress else { return }
                dst.update(from: src, count: row * d)
                (dst + row * d).update(from: src + (row - 1) * d, count: d)
                (dst + (row + 1) * d).update(from: src + row * d, count: (n - row) * d)
            }
        }
        return out
    }

    static func initial(_ key: ViTTensorKey, shape: [Int], config c: ViTConfig, rng: inout SeededGenerator) -> Tensor {
        let t = Tensor(zeros: .f32, shape: shape)
        let p = t.mutableFloats, n = t.count
        switch key.part {
        case .norm1Weight, .norm2Weight, .normWeight, .fcNormWeight, .normPreWeight, .mapNormWeight:
            for i in 0..<n { p[i] = 1 }
        case .maskToken:
            break  // zeros, as transformers initialises DINOv2's
        case .mapLatent:
            let std = 1 / Float(c.embedDim).squareRoot()  // timm AttentionPoolLatent: trunc_normal std latent_dim^-0.5
            for i in 0..<n { p[i] = rng.truncatedNormal(std: std) }
        case .clsToken, .regToken:
            for i in 0..<n { p[i] = rng.normal() * 1e-6 }
        case .patchWeight, .patchBias:
            let bound = 1 / Float(c.channels * c.patchSize[0] * c.patchSize[1]).squareRoot()
            for i in 0..<n { p[i] = (Float(Double(rng.next() >> 11) * 0x1p-53) * 2 - 1) * bound }
        case .ls1, .ls2:
            for i in 0..<n { p[i] = 1e-5 }
        default:
            if shape.count >= 2 { for i in 0..<n { p[i] = rng.truncatedNormal(std: 0.02) } }
        }
        return t
    }
}
