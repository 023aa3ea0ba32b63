/// Recovers the canonical `ViTDescription` from a graph in the standard vocabulary (as the ONNX
/// pattern passes leave an exported ViT): patch embedding, prefix tokens and position embedding,
/// `depth` pre-norm blocks, final norm, pooling and head — the structure `ViTGraphBuilder` builds.
///
/// Parameters are taken by their position in that structure, so anonymous initializers
/// (`onnx::MatMul_123`) map to their roles; `sourceNames` keeps each tensor's name in the graph
/// (a weight the passes transposed is named after its original, without the `.T` suffix).
/// Returns `nil` (with the reason) when the graph is not such a ViT.
public enum ViTRecognizer {
    public static func recognize(_ graph: ModelGraph) -> (ViTDescription?, String) {
        var walker = Walker(graph)
        do { return (try walker.walk(), "") } catch let e as Walker.Mismatch { return (nil, e.reason) } catch { return (nil, "\(error)") }
    }

    struct Walker {
        struct Mismatch: Error { let reason: String }
        let g: ModelGraph
        let consumers: [String: [Node]]
        var tensors: [ViTTensorKey: Tensor] = [:]
        var names: [ViTTensorKey: String] = [:]

        init(_ g: ModelGraph) {
            self.g = g
            var c: [String: [Node]] = [:]
            for n in g.nodes { for i in Set(n.inputs) { c[i, default: []].append(n) } }
            consumers = c
        }

        func fail(_ s: String) -> Mismatch { Mismatch(reason: s) }

        func next(_ v: String, _ op: String, input: Int = 0) throws -> Node {
            guard let n = consumers[v]?.first(where: { $0.op == op && $0.inputs.indices.contains(input) && $0.inputs[input] == v })
                    ?? consumers[v]?.first(where: { $0.op == op && $0.inputs.contains(v) }) else {
                throw fail("expected \(op) after '\(v)'")
            }
            return n
        }

        mutating func take(_ name: String, _ part: ViTPart, _ block: Int? = nil) throws {
            guard let t = g.initializers[name] else { throw fail("'\(name)' (\(part.rawValue)) is not a constant") }
            let key = ViTTensorKey(part, block: block)
            tensors[key] = t
            names[key] = name.hasSuffix(".T") ? String(name.dropLast(2)) : name
        }

        func other(_ n: Node, _ v: String) -> String { n.inputs[0] == v ? n.inputs[1] : n.inputs[0] }

        mutating func linear(_ n: Node, _ w: ViTPart, _ b: ViTPart?, _ block: Int?) throws {
            guard n.op == OpKind.linear else { throw fail("expected Linear at '\(n.name)'") }
            try take(n.inputs[1], w, block)
            if let b { guard n.inputs.count == 3 else { throw fail("'\(n.name)' has no bias") }; try take(n.inputs[2], b, block) }
        }

        mutating func walk() throws -> ViTDescription {
            guard g.inputs.count == 1, let input = g.inputs.first, input.shape.count == 4, let c = input.shape[1].value,
                  let h = input.shape[2].value, let w = input.shape[3].value else { throw fail("input is not an image [N,C,H,W]") }
            let pe = try next(input.name, OpKind.patchEmbed)
            guard pe.inputs.count == 3, let pw = g.initializers[pe.inputs[1]] else { throw fail("patch embedding without bias") }
            try take(pe.inputs[1], .patchWeight); try take(pe.inputs[2], .patchBias)
            let d = pw.shape[0]
            var x = pe.outputs[0]
            var tokens: [String] = []
            var posFirst = false
            func prefix(_ n: Node) { tokens = Array(n.inputs.dropFirst()) }
            if let p = consumers[x]?.first(where: { $0.op == OpKind.prefixTokens }) {
                prefix(p); x = p.outputs[0]
                let add = try next(x, OpKind.add); try take(other(add, x), .posEmbed); x = add.outputs[0]
            } else {
                let add = try next(x, OpKind.add); try take(other(add, x), .posEmbed); x = add.outputs[0]
                posFirst = true
                if let p = consumers[x]?.first(where: { $0.op == OpKind.prefixTokens }) { prefix(p); x = p.outputs[0] }
            }
            let distilled = g.nodes.contains { $0.op == OpKind.average }
            var regTokens = 0
            for (i, t) in tokens.enumerated() {
                let k = g.initializers[t]?.shape[1] ?? 0
                if i == 0 && k == 1 { try take(t, .clsToken) } else if i == 1 && k == 1 && distilled { try take(t, .distToken) } else { try take(t, .regToken); regTokens = k }
            }
            var depth = 0, heads = 0, mlp = 0, eps: Float = 0, qkvBias = true, layerScale = false, act = "gelu"
            while true {
                guard let ln = consumers[x]?.first(where: { $0.op == OpKind.layerNorm && $0.inputs[0] == x }) else { break }
                let lin = consumers[ln.outputs[0]]?.filter { $0.op == OpKind.linear } ?? []
                guard let attn = lin.compactMap({ l in consumers[l.outputs[0]]?.first { $0.op == OpKind.attention } }).first else { break }
                let b = depth
                eps = ln.float("epsilon") ?? 0
                try take(ln.inputs[1], .norm1Weight, b); try take(ln.inputs[2], .norm1Bias, b)
                heads = attn.int("num_heads") ?? 0
                guard attn.attributes["scale"] == nil else { throw fail("attention with a non-standard scale") }
                let producers = attn.inputs.map { v in lin.first { $0.outputs[0] == v } }
                guard producers.allSatisfy({ $0 != nil }) else { throw fail("attention inputs are not projections of '\(ln.outputs[0])'") }
                let ps = producers.map { $0! }
                qkvBias = ps[0].inputs.count == 3
                if ps.count == 1 {
                    try linear(ps[0], .qkvWeight, qkvBias ? .qkvBias : nil, b)
                } else {
                    try linear(ps[0], .qWeight, qkvBias ? .qBias : nil, b)
                    try linear(ps[1], .kWeight, qkvBias ? .kBias : nil, b)
                    try linear(ps[2], .vWeight, qkvBias ? .vBias : nil, b)
                }
                let proj = try next(attn.outputs[0], OpKind.linear); try linear(proj, .projWeight, .projBias, b)
                var h = proj.outputs[0]
                if let ls = consumers[h]?.first(where: { $0.op == OpKind.mul }) { try take(other(ls, h), .ls1, b); h = ls.outputs[0]; layerScale = true }
                let r1 = try next(h, OpKind.add); guard other(r1, h) == x else { throw fail("block \(b): no residual around attention") }
                x = r1.outputs[0]
                let ln2 = try next(x, OpKind.layerNorm); try take(ln2.inputs[1], .norm2Weight, b); try take(ln2.inputs[2], .norm2Bias, b)
                let fc1 = try next(ln2.outputs[0], OpKind.linear); try linear(fc1, .fc1Weight, .fc1Bias, b)
                mlp = g.initializers[fc1.inputs[1]]?.shape[0] ?? 0
                let gelu = try next(fc1.outputs[0], OpKind.gelu); act = gelu.string("approximate") == "tanh" ? "gelu_tanh" : "gelu"
                let fc2 = try next(gelu.outputs[0], OpKind.linear); try linear(fc2, .fc2Weight, .fc2Bias, b)
                h = fc2.outputs[0]
                if layerScale, let ls = consumers[h]?.first(where: { $0.op == OpKind.mul }) { try take(other(ls, h), .ls2, b); h = ls.outputs[0] }
                let r2 = try next(h, OpKind.add); guard other(r2, h) == x else { throw fail("block \(b): no residual around the MLP") }
                x = r2.outputs[0]
                depth += 1
            }
            guard depth > 0 else { throw fail("no transformer blocks found") }
            var finalNorm = false
            if let ln = consumers[x]?.first(where: { $0.op == OpKind.layerNorm }) {
                try take(ln.inputs[1], .normWeight); try take(ln.inputs[2], .normBias); x = ln.outputs[0]; finalNorm = true
            }
            var classes = 0, pool = "token", fcNorm = false, pooler = false
            if g.outputs.first == x {
                classes = 0
                if g.outputs.count == 2 {
                    // Hugging Face ViTModel pooler: tanh(dense(first token)), or the pooled feature itself.
                    guard let t = consumers[x]?.first(where: { $0.op == OpKind.takeToken && $0.int("index") == 0 }) else { throw fail("second output is not a pooler") }
                    if t.outputs[0] != g.outputs[1] {
                        let dense = try next(t.outputs[0], OpKind.linear); try linear(dense, .poolerWeight, .poolerBias, nil)
                        guard try next(dense.outputs[0], OpKind.tanh).outputs[0] == g.outputs[1] else { throw fail("second output is not a pooler") }
                        pooler = true
                    }
                } else if g.outputs.count > 2 { throw fail("\(g.outputs.count) outputs") }
            } else {
                var pooled: String
                if let t = consumers[x]?.first(where: { $0.op == OpKind.takeToken && $0.int("index") == 0 }) {
                    pooled = t.outputs[0]
                } else if let m = consumers[x]?.first(where: { $0.op == OpKind.meanTokens }) {
                    pooled = m.outputs[0]; pool = "avg"
                } else { throw fail("no pooling after the final norm") }
                if let ln = consumers[pooled]?.first(where: { $0.op == OpKind.layerNorm }) {
                    try take(ln.inputs[1], .fcNormWeight); try take(ln.inputs[2], .fcNormBias); pooled = ln.outputs[0]; fcNorm = true
                }
                let head = try next(pooled, OpKind.linear); try linear(head, .headWeight, .headBias, nil)
                classes = g.initializers[head.inputs[1]]?.shape[0] ?? 0
                var out = head.outputs[0]
                if distilled {
                    guard let t = consumers[x]?.first(where: { $0.op == OpKind.takeToken && $0.int("index") == 1 }) else { throw fail("distilled head without the distillation token") }
                    let hd = try next(t.outputs[0], OpKind.linear); try linear(hd, .headDistWeight, .headDistBias, nil)
                    out = try next(out, OpKind.average).outputs[0]
                }
                guard g.outputs == [out] else { throw fail("the graph's output is not the head's logits") }
            }
            let patch = Array(pw.shape[2...])
            let config = ViTConfig(imageSize: [h, w], patchSize: patch, channels: c, embedDim: d, depth: depth, numHeads: heads,
                                   mlpHidden: mlp, eps: Double(String(eps)) ?? Double(eps), classToken: tensors[.init(.clsToken)] != nil,
                                   distToken: distilled, regTokens: regTokens, posEmbedIncludesPrefix: !posFirst || tokens.isEmpty,
                                   numClasses: classes, globalPool: pool, fcNorm: fcNorm, finalNorm: finalNorm, qkvBias: qkvBias,
                                   layerScale: layerScale, pooler: pooler, activation: act)
            let model = ViTDescription(config: config, tensors: tensors, sourceNames: names)
            do { try model.validate() } catch { throw fail("recovered parameters do not form a valid ViT: \(error)") }
            return model
        }
    }
}
