extension AttentionFusion {
    /// Rewrites every recognised attention; unrecognised ones are left as they are.
    static func apply(_ graph: ModelGraph, registry: OpRegistry) throws -> ModelGraph {
        let infos = try graph.inferShapes(registry: registry)
        let fusion = AttentionFusion(rewriter: PatternRewriter(graph), infos: infos)
        var r = PatternRewriter(graph)
        for softmax in graph.nodes where softmax.op == "Softmax" && (softmax.int("axis") ?? -1) == -1 && softmax.int("coerce2d") != 1 {
            guard let fused = fusion.match(softmax) else { continue }
            guard let at = r.producer[fused.outputs[0]] else { continue }
            r.replace(at, with: fused)
        }
        return r.removingDeadNodes()
    }

    func match(_ softmax: Node) -> Node? {
        // scores = [scale ·] MatMul(Q, K)
        var scoresName = softmax.inputs[0]
        var scale: Float = 1
        while let n = rewriter.node(producing: scoresName), n.op == "Mul" || n.op == "Div", n.inputs.count == 2, let c = rewriter.scalar(n.inputs[1]) {
            scale *= n.op == "Mul" ? c : 1 / c
            scoresName = n.inputs[0]
        }
        guard let qk = rewriter.node(producing: scoresName), qk.op == "MatMul",
              let pv = rewriter.soleConsumer(of: softmax.outputs[0]), pv.op == "MatMul", pv.inputs[0] == softmax.outputs[0],
              let q = trace(qk.inputs[0]), let k = trace(qk.inputs[1]), let v = trace(pv.inputs[1]) else { return nil }
        let nhtd: [[Character]] = [["n"], ["h"], ["t"], ["d"]]
        guard Self.labels(q.axes) == nhtd, Self.labels(k.axes) == [["n"], ["h"], ["d"], ["t"]], Self.labels(v.axes) == nhtd,
              q.heads == k.heads, k.heads == v.heads, let dh = q.axes[3].first?.size.value else { return nil }
        let inputs: [String]
        if let pq = q.part, k.part != nil, v.part != nil {
            guard q.source == k.source, k.source == v.source, [pq, k.part!, v.part!] == [0, 1, 2] else { return nil }
            inputs = [q.source]
        } else {
            guard q.part == nil, k.part == nil, v.part == nil else { return nil }
            inputs = [q.source, k.source, v.source]
        }
        // Output: [n,h,t,d] → … → [n,t,(h,d)].
        var value = pv.outputs[0]
        var axes = q.axes.map { $0 }
        axes[3] = v.axes[3]
        for _ in 0..<6 {
            if Self.labels(axes) == [["n"], ["t"], ["h", "d"]] { break }
            guard let next = rewriter.soleConsumer(of: value), let out = shape(next.outputs[0]) else { return nil }
            if next.op == "Transpose", let perm = SymbolicShape.optionalInts(next, "perm"), perm.count == axes.count {
                axes = perm.map { axes[$0] }
            } else if next.op == "Reshape", let g = regroup(axes, to: out) {
                axes = g
            } else {
                return nil
            }
            value = next.outputs[0]
        }
        guard Self.labels(axes) == [["n"], ["t"], ["h", "d"]] else { return nil }
        var attrs: [String: Attribute] = ["num_heads": .int(q.heads)]
        let total = scale * q.scale * k.scale
        let standard = 1 / Float(dh).squareRoot()
        if abs(total - standard) > 1e-6 * standard { attrs["scale"] = .float(total) }
        return Node(name: softmax.name, op: OpKind.attention, inputs: inputs, outputs: [value], attributes: attrs)
    }
}
