/// Builds the inference graph of a `ViTDescription`, feature by feature, in vitopt's standard
/// vocabulary (`OpKind`).
///
/// Graph input `pixel_values [N, C, H, W]`. Outputs: `logits [N, classes]` when the model has a
/// head; otherwise `last_hidden_state [N, T, D]`, then `pooler_output [N, D]` (the Hugging Face
/// pooler, or the pooled feature a head would read: class token, patch mean, attention pooling,
/// after `fc_norm`), then `image_embeds [N, P]` for a projection.
/// The computation is timm's `VisionTransformer.forward` (transformers' `ViTModel`, `CLIPVisionModel`,
/// `SiglipVisionModel`, `Dinov2Model`) in eval mode: patch embedding, prefix tokens (class,
/// distillation, registers — in that order) and position embedding, [`norm_pre`], pre-norm blocks
/// (LayerNorm → attention → [LayerScale] → residual, LayerNorm → MLP (GELU, tanh-GELU, QuickGELU or
/// SwiGLU) → [LayerScale] → residual), [final norm], pooling, [`fc_norm`], head (DeiT: mean of both
/// heads) or projection. BEiT's relative position bias is a `RelativePositionBias` node expanding
/// each table to `[heads, T, T]`, added to the scores by `BiasedAttention`.
/// A RoPE model (`config.rope`) rotates the patch tokens' queries and keys
/// (`OpKind.rope`) with sine and cosine tables computed from the config for its grid, initializers
/// `rope.sin` / `rope.cos` `[patches, head_dim]`; a model without `absolutePositions` adds no table.
public enum ViTGraphBuilder {
    /// The initializer names of the RoPE tables.
    public static let ropeSin = "rope.sin", ropeCos = "rope.cos"

    public static let inputName = "pixel_values"

    /// - Throws: `ViTError` when the description is inconsistent (missing tensor, wrong shape).
    public static func build(_ model: ViTDescription, name: String = "vit") throws -> ModelGraph {
        try model.validate()
        var b = Assembly(model: model)
        let c = model.config
        var x = b.embeddings()
        let shared = c.relativeBias == .shared ? b.relativeBias(.sharedRelativeBiasTable, nil, "rel_pos_bias") : nil
        for i in 0..<c.depth { x = b.block(i, x, sharedBias: shared) }
        if c.finalNorm { x = b.norm(x, .normWeight, .normBias, "norm") }
        var outputs: [String] = []
        if c.numClasses > 0 {
            outputs.append(b.rename(b.head(x), to: "logits"))
        } else {
            outputs.append(b.rename(x, to: "last_hidden_state"))
            outputs.append(b.rename(b.headlessPooled("last_hidden_state"), to: "pooler_output"))
            if c.projectionDim > 0 {
                let embeds = b.add(OpKind.linear, ["pooler_output", b.w(.imageProjection)], "image_projection")
                outputs.append(b.rename(embeds, to: "image_embeds"))
            }
        }
        for (name, t) in model.extras where b.inits[name] == nil { b.inits[name] = t }
        let input = ValueInfo(name: inputName, shape: [.batch, .fixed(c.channels), .fixed(c.imageSize[0]), .fixed(c.imageSize[1])])
        return ModelGraph(name: name, inputs: [input], outputs: outputs, nodes: b.nodes, initializers: b.inits)
    }

    /// The nodes and initializers under construction, with one method per architectural feature.
    struct Assembly {
        let model: ViTDescription
        var nodes: [Node] = []
        var inits: [String: Tensor] = [:]

        var c: ViTConfig { model.config }
        var eps: Attribute { .float(Float(c.eps)) }

        /// The initializer name of a parameter (its source name), registering the tensor.
        mutating func w(_ part: ViTPart, _ block: Int? = nil) -> String {
            let key = ViTTensorKey(part, block: block)
            let n = model.displayName(key)
            inits[n] = model.tensors[key]!
            return n
        }

        mutating func add(_ op: String, _ inputs: [String], _ label: String, _ attrs: [String: Attribute] = [:]) -> String {
            let out = "\(label)_out"
            nodes.append(Node(name: label, op: op, inputs: inputs, outputs: [out], attributes: attrs))
            return out
        }

        mutating func norm(_ x: String, _ weight: ViTPart, _ bias: ViTPart, _ label: String, block: Int? = nil) -> String {
            add(OpKind.layerNorm, [x, w(weight, block), w(bias, block)], label, ["epsilon": eps])
        }

        mutating func linear(_ x: String, _ weight: ViTPart, _ bias: ViTPart?, _ label: String, block: Int? = nil) -> String {
            add(OpKind.linear, [x, w(weight, block)] + (bias.map { [w($0, block)] } ?? []), label)
        }

        /// `x` with RoPE applied to the patch tokens' first `width` columns (the tables are registered once).
        mutating func rope(_ x: String, width: Int, _ label: String) -> String {
            if inits[ViTGraphBuilder.ropeSin] == nil, let r = c.rope {
                let t = r.tables(grid: c.gridSize, headDim: c.headDim)
                inits[ViTGraphBuilder.ropeSin] = Tensor(shape: [c.numPatches, c.headDim], floats: t.sin)
                inits[ViTGraphBuilder.ropeCos] = Tensor(shape: [c.numPatches, c.headDim], floats: t.cos)
            }
            let attrs: [String: Attribute] = ["start": .int(c.numPrefixTokens), "width": .int(width),
                                              "rotate_half": .int(c.rope?.rotateHalf == true ? 1 : 0)]
            return add(OpKind.rope, [x, ViTGraphBuilder.ropeSin, ViTGraphBuilder.ropeCos], label, attrs)
        }

        /// Patch embedding, prefix tokens, position embedding and `norm_pre`.
        mutating func embeddings() -> String {
            let patch = [inputName, w(.patchWeight)] + (c.patchBias ? [w(.patchBias)] : [])
            var x = add(OpKind.patchEmbed, patch, "patch_embed")
            var prefix: [String] = []
            if c.classToken { prefix.append(w(.clsToken)) }
            if c.distToken { prefix.append(w(.distToken)) }
            if c.regTokens > 0 { prefix.append(w(.regToken)) }
            if c.maskToken { _ = w(.maskToken) }
            if !c.absolutePositions {
                if !prefix.isEmpty { x = add(OpKind.prefixTokens, [x] + prefix, "prefix_tokens") }
            } else if c.posEmbedIncludesPrefix {
                if !prefix.isEmpty { x = add(OpKind.prefixTokens, [x] + prefix, "prefix_tokens") }
                x = add(OpKind.add, [x, w(.posEmbed)], "pos_embed")
            } else {
                x = add(OpKind.add, [x, w(.posEmbed)], "pos_embed")
                if !prefix.isEmpty { x = add(OpKind.prefixTokens, [x] + prefix, "prefix_tokens") }
            }
            if c.normPre { x = norm(x, .normPreWeight, .normPreBias, "norm_pre") }
            return x
        }

        /// The `[heads, T, T]` attention bias a relative position table expands to (BEiT).
        mutating func relativeBias(_ part: ViTPart, _ block: Int?, _ label: String) -> String {
            add(OpKind.relativePositionBias, [w(part, block)], label, ["grid": .ints(c.gridSize)])
        }

        /// One pre-norm transformer block; `sharedBias` is the value of a bias every block adds to its
        /// attention scores (BEiT's shared relative position bias).
        mutating func block(_ b: Int, _ input: String, sharedBias: String? = nil) -> String {
            let p = "blocks.\(b)"
            var x = input
            var h = norm(x, .norm1Weight, .norm1Bias, "\(p).norm1", block: b)
            let heads: [String: Attribute] = ["num_heads": .int(c.numHeads)]
            let bias = c.relativeBias == .perBlock ? relativeBias(.relativeBiasTable, b, "\(p).attn.rel_pos_bias") : sharedBias
            let op = bias == nil ? OpKind.attention : OpKind.biasedAttention
            if model.packedQKV {
                var qkv = linear(h, .qkvWeight, c.qkvBias ? .qkvBias : nil, "\(p).attn.qkv", block: b)
                if c.rope != nil { qkv = rope(qkv, width: 2 * c.embedDim, "\(p).attn.rope") }
                h = add(op, [qkv] + (bias.map { [$0] } ?? []), "\(p).attn.core", heads)
            } else {
                let parts: [(ViTPart, ViTPart, String)] = [(.qWeight, .qBias, "q"), (.kWeight, .kBias, "k"), (.vWeight, .vBias, "v")]
                var qkv = parts.map { wt, bs, s in linear(h, wt, c.qkvBias ? bs : nil, "\(p).attn.\(s)", block: b) }
                if c.rope != nil { for i in 0..<2 { qkv[i] = rope(qkv[i], width: c.embedDim, "\(p).attn.rope_\(parts[i].2)") } }
                h = add(op, qkv + (bias.map { [$0] } ?? []), "\(p).attn.core", heads)
            }
            h = linear(h, .projWeight, .projBias, "\(p).attn.proj", block: b)
            if c.layerScale { h = add(OpKind.mul, [h, w(.ls1, b)], "\(p).ls1") }
            x = add(OpKind.add, [x, h], "\(p).residual1")
            h = norm(x, .norm2Weight, .norm2Bias, "\(p).norm2", block: b)
            h = mlp(h, .fc1Weight, .fc1Bias, .fc2Weight, .fc2Bias, "\(p).mlp", block: b, activation: c.mlpActivation ?? .gelu,
                    innerNorm: c.mlpNorm)
            if c.layerScale { h = add(OpKind.mul, [h, w(.ls2, b)], "\(p).ls2") }
            return add(OpKind.add, [x, h], "\(p).residual2")
        }

        /// `fc2(act(fc1(x)))` with the activation's op.
        mutating func mlp(_ x: String, _ w1: ViTPart, _ b1: ViTPart, _ w2: ViTPart, _ b2: ViTPart, _ p: String,
                          block: Int?, activation: ViTActivation, innerNorm: Bool = false) -> String {
            var h = linear(x, w1, b1, "\(p).fc1", block: block)
            switch activation {
            case .gelu: h = add(OpKind.gelu, [h], "\(p).act", ["approximate": .string("none")])
            case .geluTanh: h = add(OpKind.gelu, [h], "\(p).act", ["approximate": .string("tanh")])
            case .quickGelu: h = add(OpKind.quickGelu, [h], "\(p).act")
            case .swiglu: h = add(OpKind.swiglu, [h], "\(p).act")
            }
            if innerNorm { h = norm(h, .mlpNormWeight, .mlpNormBias, "\(p).norm", block: block) }
            return linear(h, w2, b2, "\(p).fc2", block: block)
        }

        /// The pooled feature `[N, pooledWidth]` of the token sequence `x` (before `fc_norm`).
        mutating func pool(_ x: String) -> String {
            switch c.pooling ?? .token {
            case .token:
                return add(OpKind.takeToken, [x], "pool", ["index": .int(0)])
            case .avg:
                return add(OpKind.meanTokens, [x], "pool", ["start": .int(c.numPrefixTokens)])
            case .tokenAvg:
                let first = add(OpKind.takeToken, [x], "pool.token", ["index": .int(0)])
                let mean = add(OpKind.meanTokens, [x], "pool.avg", ["start": .int(c.numPrefixTokens)])
                return add(OpKind.concatFeatures, [first, mean], "pool")
            case .map:
                let q = linear(w(.mapLatent), .mapQWeight, .mapQBias, "attn_pool.q")
                let kv = linear(x, .mapKVWeight, .mapKVBias, "attn_pool.kv")
                var h = add(OpKind.attentionPool, [q, kv], "attn_pool.core", ["num_heads": .int(c.numHeads)])
                h = linear(h, .mapProjWeight, .mapProjBias, "attn_pool.proj")
                let m = norm(h, .mapNormWeight, .mapNormBias, "attn_pool.norm")
                let act: ViTActivation = c.mlpActivation == .swiglu ? .gelu : (c.mlpActivation ?? .gelu)
                let y = mlp(m, .mapFc1Weight, .mapFc1Bias, .mapFc2Weight, .mapFc2Bias, "attn_pool.mlp", block: nil, activation: act)
                h = add(OpKind.add, [h, y], "attn_pool.residual")
                return add(OpKind.takeToken, [h], "pool", ["index": .int(0)])
            }
        }

        /// Pooling, `fc_norm` and the classifier (DeiT: averaged with the distillation head).
        mutating func head(_ x: String) -> String {
            var pooled = pool(x)
            if c.fcNorm { pooled = norm(pooled, .fcNormWeight, .fcNormBias, "fc_norm") }
            var logits = linear(pooled, .headWeight, .headBias, "head")
            if c.distToken {
                let dist = add(OpKind.takeToken, [x], "pool_dist", ["index": .int(1)])
                let distLogits = linear(dist, .headDistWeight, .headDistBias, "head_dist")
                logits = add(OpKind.average, [logits, distLogits], "head_average")
            }
            return logits
        }

        /// The pooled output of a headless model: the HF pooler, or the pooling (and `fc_norm`) a head
        /// would read — timm's `forward_head(pre_logits=True)`, HF's `pooler_output`.
        mutating func headlessPooled(_ x: String) -> String {
            if c.pooler {
                let first = add(OpKind.takeToken, [x], "pooler.first", ["index": .int(0)])
                let dense = linear(first, .poolerWeight, .poolerBias, "pooler.dense")
                return add(OpKind.tanh, [dense], "pooler.act")
            }
            var pooled = self.pool(x)
            if c.fcNorm { pooled = norm(pooled, .fcNormWeight, .fcNormBias, "fc_norm") }
            return pooled
        }

        /// Renames the value `old` to `new` wherever it appears.
        mutating func rename(_ old: String, to new: String) -> String {
            for i in nodes.indices {
                nodes[i].outputs = nodes[i].outputs.map { $0 == old ? new : $0 }
                nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
            }
            return new
        }
    }
}
