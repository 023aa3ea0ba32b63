extension PatternRewriter {
    /// `Conv` with kernel = stride, no padding → flatten to tokens → `Transpose [0,2,1]` becomes
    /// `PatchEmbed`; `Concat(Expand(token), …, x)` on the token axis becomes `PrefixTokens`;
    /// `Gather(x, i) {axis 1}` on a token sequence becomes `TakeToken {index}`, and a token-axis
    /// `ReduceMean` (of a `Slice` skipping the prefix tokens) becomes `MeanTokens {start}`, and the
    /// mean of two heads `(a + b) / 2` becomes `Average`.
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
                r.replace(at, with: Node(name: n.name, op: OpKind.patchEmbed, inputs: n.inputs, outputs: tr.outputs))
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
                r.replace(i, with: Node(name: n.name, op: OpKind.prefixTokens, inputs: [n.inputs.last!] + tokens, outputs: n.outputs))
            case "ReduceMean":
                // Mean over tokens start..<T: ReduceMean {axes [1], keepdims 0} of x or of Slice(x) {axes [1], starts [s], ends ≥ T}.
                guard SymbolicShape.optionalInts(n, "axes") == [1], n.int("keepdims") == 0 else { continue }
                var source = n.inputs[0], start = 0
                if let sl = node(producing: source), sl.op == "Slice", SymbolicShape.optionalInts(sl, "axes") == [1],
                   let st = SymbolicShape.optionalInts(sl, "starts"), st.count == 1, st[0] >= 0,
                   let en = SymbolicShape.optionalInts(sl, "ends"), en.count == 1, en[0] >= Int(Int32.max),
                   (SymbolicShape.optionalInts(sl, "steps") ?? [1]) == [1] {
                    source = sl.inputs[0]
                    start = st[0]
                }
                r.replace(i, with: Node(name: n.name, op: OpKind.meanTokens, inputs: [source], outputs: n.outputs, attributes: ["start": .int(start)]))
            case "Div":
                // DeiT's (head(cls) + head_dist(dist)) / 2 → Average.
                guard scalar(n.inputs[1]) == 2, let add = node(producing: n.inputs[0]), add.op == "Add",
                      add.inputs.allSatisfy({ node(producing: $0)?.op == OpKind.linear }), soleConsumer(of: add.outputs[0]) != nil else { continue }
                r.replace(i, with: Node(name: n.name, op: OpKind.average, inputs: add.inputs, outputs: n.outputs))
            case "Gather":
                guard n.int("axis") == 1, n.inputs.count == 2, let idx = graph.initializers[n.inputs[1]], idx.rank == 0,
                      let index = idx.exactIntegers()?.first, index >= 0 else { continue }
                r.replace(i, with: Node(name: n.name, op: OpKind.takeToken, inputs: [n.inputs[0]], outputs: n.outputs,
                                        attributes: ["index": .int(index)]))
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
