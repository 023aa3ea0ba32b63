/// Builds the inference graph of a `SwinDescription` in vitopt's standard vocabulary (`OpKind`).
///
/// Graph input `pixel_values [N, C, H, W]`. Outputs: `logits [N, classes]` for a classifier; a
/// backbone outputs `last_hidden_state [N, T, D]` (the final norm's tokens, grid order) and
/// `pooler_output [N, D]` (their mean, transformers' `SwinModel` pooler, timm's `forward_head(pre_logits=True)`).
/// The computation is timm's `SwinTransformer.forward` in eval mode: patch embedding and its norm;
/// per stage [patch merging → LayerNorm → bias-free Linear], then blocks of LayerNorm → qkv Linear →
/// `WindowAttention` (shift on odd blocks) → proj Linear → residual, LayerNorm → MLP (erf GELU) →
/// residual; final norm; token mean; head. The per-token Linears stay ordinary `Linear` nodes, so
/// packing, epilogue fusion, bf16 and int8 apply to them as to a ViT's.
///
/// Swin v2 (`SwinTransformerV2.forward`): merging is [patch merging → bias-free Linear → LayerNorm];
/// a block is qkv Linear → `WindowAttention` with the block's `ContinuousPositionBias` table and
/// logit scale (cosine attention) → proj → norm1 → residual, MLP → norm2 → residual (res-post-norm).
/// The position-bias MLP is its own op, not `Linear` nodes, so int8 leaves it fp32.
public enum SwinGraphBuilder {
    /// - Throws: `ViTError` when the description is inconsistent (missing tensor, wrong shape, a grid
    ///   that does not tile into windows).
    public static func build(_ model: SwinDescription, name: String = "swin") throws -> ModelGraph {
        try model.validate()
        let c = model.config
        var nodes: [Node] = []
        var inits: [String: Tensor] = [:]
        func w(_ n: String) -> String { inits[n] = model.tensors[n]; return n }
        func add(_ op: String, _ inputs: [String], _ label: String, _ attrs: [String: Attribute] = [:]) -> String {
            nodes.append(Node(name: label, op: op, inputs: inputs, outputs: ["\(label)_out"], attributes: attrs))
            return "\(label)_out"
        }
        let eps: [String: Attribute] = ["epsilon": .float(Float(c.eps))]
        func norm(_ x: String, _ p: String) -> String { add(OpKind.layerNorm, [x, w(p + ".weight"), w(p + ".bias")], p, eps) }
        func linear(_ x: String, _ p: String, bias: Bool = true) -> String {
            add(OpKind.linear, [x, w(p + ".weight")] + (bias ? [w(p + ".bias")] : []), p)
        }

        var x = add(OpKind.patchEmbed, [ViTGraphBuilder.inputName, w("patch_embed.proj.weight"), w("patch_embed.proj.bias")], "patch_embed.proj")
        x = norm(x, "patch_embed.norm")
        for s in 0..<c.stageCount {
            if s > 0 {
                let g = c.grid(stage: s - 1)
                x = add(OpKind.patchMerging, [x], "layers.\(s).downsample.merge", ["grid_h": .int(g[0]), "grid_w": .int(g[1])])
                if c.isV2 {
                    x = linear(x, "layers.\(s).downsample.reduction", bias: false)
                    x = norm(x, "layers.\(s).downsample.norm")
                } else {
                    x = norm(x, "layers.\(s).downsample.norm")
                    x = linear(x, "layers.\(s).downsample.reduction", bias: false)
                }
            }
            let g = c.grid(stage: s)
            for b in 0..<c.depths[s] {
                let p = "layers.\(s).blocks.\(b)"
                let (window, shift) = c.windowAndShift(stage: s, block: b)
                let attrs: [String: Attribute] = [
                    "num_heads": .int(c.numHeads[s]), "grid_h": .int(g[0]), "grid_w": .int(g[1]), "window_h": .int(window[0]),
                    "window_w": .int(window[1]), "shift_h": .int(shift[0]), "shift_w": .int(shift[1]),
                ]
                var h = c.isV2 ? x : norm(x, p + ".norm1")
                h = add(OpKind.linear, [h, w(p + ".attn.qkv.weight")] + (c.qkvBias ? [w(p + ".attn.qkv.bias")] : []), p + ".attn.qkv")
                if c.isV2 {
                    let pre = c.pretrainedWindow(stage: s)
                    let table = add(OpKind.continuousPositionBias, [w(p + ".attn.cpb_mlp.0.weight"), w(p + ".attn.cpb_mlp.0.bias"),
                                                                   w(p + ".attn.cpb_mlp.2.weight")], p + ".attn.cpb", [
                        "window_h": .int(window[0]), "window_w": .int(window[1]), "pretrained_h": .int(pre), "pretrained_w": .int(pre),
                    ])
                    h = add(OpKind.windowAttention, [h, table, w(p + ".attn.logit_scale")], p + ".attn.core", attrs)
                } else {
                    h = add(OpKind.windowAttention, [h, w(p + ".attn.relative_position_bias_table")], p + ".attn.core", attrs)
                }
                h = linear(h, p + ".attn.proj")
                if c.isV2 { h = norm(h, p + ".norm1") }
                x = add(OpKind.add, [x, h], p + ".residual1")
                h = c.isV2 ? x : norm(x, p + ".norm2")
                h = linear(h, p + ".mlp.fc1")
                h = add(OpKind.gelu, [h], p + ".mlp.act", ["approximate": .string("none")])
                h = linear(h, p + ".mlp.fc2")
                if c.isV2 { h = norm(h, p + ".norm2") }
                x = add(OpKind.add, [x, h], p + ".residual2")
            }
        }
        x = norm(x, "norm")
        var outputs: [String]
        if c.numClasses > 0 {
            let pooled = add(OpKind.meanTokens, [x], "pool", ["start": .int(0)])
            _ = linear(pooled, "head.fc")
            outputs = ["logits"]
        } else {
            _ = add(OpKind.meanTokens, [x], "pool", ["start": .int(0)])
            outputs = ["last_hidden_state", "pooler_output"]
        }
        // the graph's outputs by their public names
        let renames = c.numClasses > 0 ? ["head.fc_out": "logits"] : ["norm_out": "last_hidden_state", "pool_out": "pooler_output"]
        for i in nodes.indices {
            nodes[i].outputs = nodes[i].outputs.map { renames[$0] ?? $0 }
            nodes[i].inputs = nodes[i].inputs.map { renames[$0] ?? $0 }
        }
        let input = ValueInfo(name: ViTGraphBuilder.inputName, shape: [.batch, .fixed(c.channels), .fixed(c.imageSize[0]), .fixed(c.imageSize[1])])
        return ModelGraph(name: name, inputs: [input], outputs: outputs, nodes: nodes, initializers: inits)
    }
}
