extension PatternRewriter {
    /// `Conv` with kernel = stride, no padding → flatten to tokens → `Transpose [0,2,1]` becomes
    /// `PatchEmbed`; `Concat(Expand(token), …, x)` on the token axis becomes `PrefixTokens`;
    /// `Gather(x, i) {axis 1}` on a token sequence becomes `TakeToken {index}`.
    func fuseEmbeddings() -> ModelGraph {
        var r = self
        for (i, n) in graph.nodes.enumerated() {
            switch n.op {
            case "Conv":
                guard let w = graph.initializers[n.inputs[1]], w.rank == 4,
                      SymbolicShape.optionalInts(n, "strides") == Array(w.shape[2...]),
                      (SymbolicShape.optionalInts(n, "pads") ?? [0, 0, 0, 0]).allSatisfy({ $0 == 0 }),
                      (SymbolicShape.optionalInts(n, "dilations") ?? [1, 1]) == [1, 1], (n.int("group") ?? 1) == 1,
                      n.inputs.count == 2 || graph.initializers[n.inputs[2]]?.shape == [w.shape[0]],
                      let flat = soleConsumer(of: n.outputs[0]),
                      (flat.op == "Reshape" && isTokenFlatten(SymbolicShape.optionalInts(flat, "shape"), channels: w.shape[0]))
                          || (flat.op == "Flatten" && flat.int("axis") == 2),
                      let tr = soleConsumer(of: flat.outputs[0]), tr.op == "Transpose", SymbolicShape.optionalInts(tr, "perm") == [0, 2, 1],
                      let at = producer[tr.outputs[0]] else { continue }
                r.replace(at, with: Node(name: n.name, op: "PatchEmbed", inputs: n.inputs, outputs: tr.outputs))
            case "Concat":
                guard n.int("axis") == 1, n.inputs.count >= 2 else { continue }
                var tokens: [String] = []
                for t in n.inputs.dropLast() {
                    guard let e = node(producing: t), e.op == "Expand", let tok = graph.initializers[e.inputs[0]], tok.rank == 3, tok.shape[0] == 1,
                          let s = SymbolicShape.optionalInts(e, "shape"), s.count == 3, s[0] == -1, s[1] == 1 || s[1] == tok.shape[1],
                          s[2] == 1 || s[2] == tok.shape[2] else { break }
                    tokens.append(e.inputs[0])
                }
                guard tokens.count == n.inputs.count - 1 else { continue }
                r.replace(i, with: Node(name: n.name, op: "PrefixTokens", inputs: [n.inputs.last!] + tokens, outputs: n.outputs))
            case "Gather":
                guard n.int("axis") == 1, let idx = graph.initializers[n.inputs[1]], idx.rank == 0, idx.intArray()[0] >= 0 else { continue }
                r.replace(i, with: Node(name: n.name, op: "TakeToken", inputs: [n.inputs[0]], outputs: n.outputs,
                                        attributes: ["index": .int(idx.intArray()[0])]))
            default:
                continue
            }
        }
        return r.removingDeadNodes()
    }

    /// Whether a Reshape spec turns [N, D, gh, gw] into [N, D, gh·gw].
    private func isTokenFlatten(_ spec: [Int]?, channels: Int) -> Bool {
        guard let s = spec, s.count == 3 else { return false }
        return (s[0] == 0 || s[0] == -1) && s[1] == channels && (s[2] == -1 || s[2] > 0)
    }
}
