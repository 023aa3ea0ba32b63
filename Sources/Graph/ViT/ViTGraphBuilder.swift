/// Builds the inference graph of a `ViTDescription`.
///
/// Graph input `pixel_values [N, C, H, W]`; outputs `logits [N, classes]` when the model has a head,
/// otherwise `last_hidden_state [N, T, D]` (plus `pooler_output [N, D]` for a Hugging Face pooler).
/// The computation is timm's `VisionTransformer.forward` / transformers' `ViTModel` in eval mode:
/// patch embedding, prefix tokens (class, distillation, registers — in that order) and position
/// embedding, pre-norm blocks (LayerNorm → attention → [LayerScale] → residual, LayerNorm → MLP with
/// GELU → [LayerScale] → residual), final norm, pooling, [fc_norm], head (DeiT: mean of both heads).
public enum ViTGraphBuilder {
    public static let inputName = "pixel_values"

    /// - Throws: `ViTError` when the description is inconsistent (missing tensor, wrong shape).
    public static func build(_ model: ViTDescription, name: String = "vit") throws -> ModelGraph {
        try model.validate()
        let c = model.config
        var nodes: [Node] = []
        var inits: [String: Tensor] = [:]
        var counter = 0
        func w(_ part: ViTPart, _ block: Int? = nil) -> String {
            let key = ViTTensorKey(part, block: block)
            let n = model.displayName(key)
            inits[n] = model.tensors[key]!
            return n
        }
        func add(_ op: String, _ inputs: [String], _ label: String, _ attrs: [String: Attribute] = [:]) -> String {
            counter += 1
            let out = "\(label)_out"
            nodes.append(Node(name: label, op: op, inputs: inputs, outputs: [out], attributes: attrs))
            return out
        }
        let eps = Attribute.float(Float(c.eps))
        var x = add("PatchEmbed", [inputName, w(.patchWeight), w(.patchBias)], "patch_embed")
        var prefix: [String] = []
        if c.classToken { prefix.append(w(.clsToken)) }
        if c.distToken { prefix.append(w(.distToken)) }
        if c.regTokens > 0 { prefix.append(w(.regToken)) }
        if c.posEmbedIncludesPrefix {
            if !prefix.isEmpty { x = add("PrefixTokens", [x] + prefix, "prefix_tokens") }
            x = add("Add", [x, w(.posEmbed)], "pos_embed")
        } else {
            x = add("Add", [x, w(.posEmbed)], "pos_embed")
            if !prefix.isEmpty { x = add("PrefixTokens", [x] + prefix, "prefix_tokens") }
        }
        let act: [String: Attribute] = ["approximate": .string(c.activation == "gelu_tanh" ? "tanh" : "none")]
        for b in 0..<c.depth {
            let p = "blocks.\(b)"
            var h = add("LayerNorm", [x, w(.norm1Weight, b), w(.norm1Bias, b)], "\(p).norm1", ["epsilon": eps])
            let heads: [String: Attribute] = ["num_heads": .int(c.numHeads)]
            if model.packedQKV {
                let qkv = add("Linear", [h, w(.qkvWeight, b)] + (c.qkvBias ? [w(.qkvBias, b)] : []), "\(p).attn.qkv")
                h = add("Attention", [qkv], "\(p).attn.core", heads)
            } else {
                let parts: [(ViTPart, ViTPart, String)] = [(.qWeight, .qBias, "q"), (.kWeight, .kBias, "k"), (.vWeight, .vBias, "v")]
                let qkv = parts.map { wt, bs, s in add("Linear", [h, w(wt, b)] + (c.qkvBias ? [w(bs, b)] : []), "\(p).attn.\(s)") }
                h = add("Attention", qkv, "\(p).attn.core", heads)
            }
            h = add("Linear", [h, w(.projWeight, b), w(.projBias, b)], "\(p).attn.proj")
            if c.layerScale { h = add("Mul", [h, w(.ls1, b)], "\(p).ls1") }
            x = add("Add", [x, h], "\(p).residual1")
            h = add("LayerNorm", [x, w(.norm2Weight, b), w(.norm2Bias, b)], "\(p).norm2", ["epsilon": eps])
            h = add("Linear", [h, w(.fc1Weight, b), w(.fc1Bias, b)], "\(p).mlp.fc1")
            h = add("Gelu", [h], "\(p).mlp.act", act)
            h = add("Linear", [h, w(.fc2Weight, b), w(.fc2Bias, b)], "\(p).mlp.fc2")
            if c.layerScale { h = add("Mul", [h, w(.ls2, b)], "\(p).ls2") }
            x = add("Add", [x, h], "\(p).residual2")
        }
        if c.finalNorm { x = add("LayerNorm", [x, w(.normWeight), w(.normBias)], "norm", ["epsilon": eps]) }
        var outputs: [String] = []
        if c.numClasses > 0 {
            var pooled = c.globalPool == "avg"
                ? add("MeanTokens", [x], "pool", ["start": .int(c.numPrefixTokens)])
                : add("TakeToken", [x], "pool", ["index": .int(0)])
            if c.fcNorm { pooled = add("LayerNorm", [pooled, w(.fcNormWeight), w(.fcNormBias)], "fc_norm", ["epsilon": eps]) }
            var logits = add("Linear", [pooled, w(.headWeight), w(.headBias)], "head")
            if c.distToken {
                let dist = add("TakeToken", [x], "pool_dist", ["index": .int(1)])
                let distLogits = add("Linear", [dist, w(.headDistWeight), w(.headDistBias)], "head_dist")
                logits = add("Average", [logits, distLogits], "head_average")
            }
            outputs.append(rename(&nodes, logits, to: "logits"))
        } else {
            outputs.append(rename(&nodes, x, to: "last_hidden_state"))
            if c.pooler {
                let first = add("TakeToken", ["last_hidden_state"], "pooler.first", ["index": .int(0)])
                let dense = add("Linear", [first, w(.poolerWeight), w(.poolerBias)], "pooler.dense")
                outputs.append(rename(&nodes, add("Tanh", [dense], "pooler.act"), to: "pooler_output"))
            }
        }
        for (name, t) in model.extras where inits[name] == nil { inits[name] = t }
        let input = ValueInfo(name: inputName, shape: [.batch, .fixed(c.channels), .fixed(c.imageSize[0]), .fixed(c.imageSize[1])])
        return ModelGraph(name: name, inputs: [input], outputs: outputs, nodes: nodes, initializers: inits)
    }

    /// Renames the value `old` (the output of the last node producing it) to `new`.
    private static func rename(_ nodes: inout [Node], _ old: String, to new: String) -> String {
        for i in nodes.indices {
            nodes[i].outputs = nodes[i].outputs.map { $0 == old ? new : $0 }
            nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
        }
        return new
    }
}
