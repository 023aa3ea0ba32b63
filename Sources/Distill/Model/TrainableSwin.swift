import Foundation
import Graph

/// A Swin Transformer v1 that can be trained: its config, its parameters (`SwinParameterSet`), and a
/// forward pass that keeps what `backward` needs in a `SwinWorkspace` planned per batch size.
///
/// The computation is `SwinGraphBuilder`'s (timm's `SwinTransformer` in train mode with no dropout or
/// drop path): patch embedding and its norm; per stage [patch merging: 2×2 gather, LayerNorm, bias-free
/// reduction], then blocks of LayerNorm → qkv → (shifted-)window attention with the relative position bias
/// and the shift mask (`WindowAttentionGrad`) → proj → residual, LayerNorm → MLP (exact GELU) → residual;
/// final norm, mean over tokens, head (or, headless, the mean itself: `pooler_output`). The per-token
/// Linears run on tokens in grid order; only the attention core works in window order (the cyclic shift and
/// window partition are one gather of qkv rows, their reverse one scatter of the output rows).
/// Work is split as `TrainableViT`'s (rows of each GEMM, (window, head) pairs, LayerNorm row blocks), and
/// every reduction runs in a fixed order: the gradients do not depend on the thread count beyond OpenBLAS's
/// rounding, and a run repeats bit for bit.
public final class TrainableSwin {
    public let config: SwinConfig
    public let parameters: SwinParameterSet
    public let context: ExecutionContext
    public let profile = PhaseProfile()
    let stages: [SwinStagePlan]
    var workspace: SwinWorkspace?

    /// - Throws: `ViTError` for an inconsistent description (missing tensor, wrong shape, a grid that
    ///   does not tile into windows); `TensorError` when the parameters do not fit in memory.
    public init(_ model: SwinDescription, threads: Int) throws {
        try model.validate()
        // Exactly the tensors this forward reads: anything else (Swin v2's logit scales and position-bias MLP) is refused.
        let expected = Set(model.expected.map(\.name)), used = Self.parameterNames(model.config)
        if let odd = expected.symmetricDifference(used).sorted().first {
            throw DistillError.unsupported("Swin tensor '\(odd)': only Swin v1 is trained (no backward pass for Swin v2's cosine attention and continuous position bias yet); a v2 teacher can train a ViT student (--student vit)")
        }
        config = model.config
        parameters = try SwinParameterSet(model)
        context = ExecutionContext(threads: threads)
        var plans: [SwinStagePlan] = [], first = 0
        for s in 0..<model.config.stageCount {
            plans.append(SwinStagePlan(model.config, stage: s, firstBlock: first))
            first += model.config.depths[s]
        }
        stages = plans
    }

    /// Every parameter name `forward` and `backward` read for `c` (timm's canonical names).
    static func parameterNames(_ c: SwinConfig) -> Set<String> {
        var names: Set<String> = ["patch_embed.proj.weight", "patch_embed.proj.bias", "patch_embed.norm.weight", "patch_embed.norm.bias",
                                  "norm.weight", "norm.bias"]
        if c.numClasses > 0 { names.formUnion(["head.fc.weight", "head.fc.bias"]) }
        let block = ["norm1.weight", "norm1.bias", "attn.relative_position_bias_table", "attn.qkv.weight", "attn.proj.weight", "attn.proj.bias",
                     "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"] + (c.qkvBias ? ["attn.qkv.bias"] : [])
        for s in 0..<c.stageCount {
            if s > 0 { names.formUnion(["norm.weight", "norm.bias", "reduction.weight"].map { "layers.\(s).downsample.\($0)" }) }
            for b in 0..<c.depths[s] { names.formUnion(block.map { SwinStagePlan.blockPrefix(s, b) + $0 }) }
        }
        return names
    }

    /// The model as a `SwinDescription` (copies of the current values, canonical names).
    public func description() -> SwinDescription { SwinDescription(config: config, tensors: parameters.tensors()) }

    /// Width of the output: the classes of the head, else the last stage's width (pooled features).
    public var outputWidth: Int { config.numClasses > 0 ? config.numClasses : config.width(stage: config.stageCount - 1) }

    /// The input contract as a ViT config (image size, channels, preprocessing), as `SwinCheckpoint` describes a Swin.
    public var inputConfig: ViTConfig {
        let c = config
        var v = ViTConfig(imageSize: c.imageSize, patchSize: [c.patchSize, c.patchSize], channels: c.channels, embedDim: c.embedDim, depth: 0,
                          numHeads: c.numHeads[0], mlpHidden: c.mlpHidden[0], eps: c.eps, numClasses: c.numClasses, family: "swin",
                          labels: c.labels, preprocessing: c.preprocessing)
        v.globalPool = "avg"
        return v
    }

    func workspace(for batch: Int) throws -> SwinWorkspace {
        if let w = workspace, w.batch == batch { return w }
        workspace = nil  // free the old plan before allocating the new one
        let w = try SwinWorkspace(config: config, stages: stages, batch: batch, threads: context.threads, classes: config.numClasses)
        workspace = w
        return w
    }

    /// `dst[b·T + i] = src[b·T + order[i]]`, rows of `width` (the shift and window partition of a gather).
    func gather(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, order: [Int], batch n: Int, width: Int) {
        let t = order.count
        context.parallelFor(n * t, minChunk: 256) { range in
            for row in range {
                let b = row / t, i = row % t
                (dst + row * width).update(from: src + (b * t + order[i]) * width, count: width)
            }
        }
    }

    /// `dst[b·T + order[i]] = src[b·T + i]` (the inverse of `gather`: window reverse and the shift back).
    func scatter(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, order: [Int], batch n: Int, width: Int) {
        let t = order.count
        context.parallelFor(n * t, minChunk: 256) { range in
            for row in range {
                let b = row / t, i = row % t
                (dst + (b * t + order[i]) * width).update(from: src + row * width, count: width)
            }
        }
    }

    /// Patch merging's gather: from the `[N, gh·gw, C]` grid into `[N, gh/2·gw/2, 4C]`, the 2×2 neighbours
    /// in the order (2i, 2j), (2i+1, 2j), (2i, 2j+1), (2i+1, 2j+1) (timm's reshape-permute). With `inverse`,
    /// the scatter back (every grid token is written once).
    func merge(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, grid: [Int], channels c: Int, batch n: Int, inverse: Bool = false) {
        let (gh, gw) = (grid[0], grid[1]), (oh, ow) = (gh / 2, gw / 2)
        context.parallelFor(n * oh * ow, minChunk: 64) { range in
            for row in range {
                let b = row / (oh * ow), i = (row % (oh * ow)) / ow, j = row % ow
                for (k, (dy, dx)) in [(0, 0), (1, 0), (0, 1), (1, 1)].enumerated() {
                    let g = (b * gh * gw + (2 * i + dy) * gw + 2 * j + dx) * c, m = row * 4 * c + k * c
                    if inverse { (dst + g).update(from: src + m, count: c) } else { (dst + m).update(from: src + g, count: c) }
                }
            }
        }
    }
}
