extension PatternRewriter {
    /// `MatMul` / `Gemm` with a constant weight → `Linear`.
    func fuseLinear() -> ModelGraph {
        var r = self
        var transposed: [String: String] = [:]
        for (i, n) in graph.nodes.enumerated() {
            if n.op == "MatMul", let w = graph.initializers[n.inputs[1]], w.rank == 2, w.dtype.isFloatingPoint {
                let name = transposed[n.inputs[1]] ?? n.inputs[1] + ".T"
                if transposed[n.inputs[1]] == nil {
                    r.graph.initializers[name] = TensorIndexing.transpose(w.asF32(), [1, 0])
                    transposed[n.inputs[1]] = name
                }
                var inputs = [n.inputs[0], name]
                var out = n.outputs[0]
                if let add = soleConsumer(of: out), add.op == "Add", let b = PatternRewriter.other(add, out),
                   let bt = graph.initializers[b], bt.shape == [w.shape[1]] {
                    inputs.append(b)
                    out = add.outputs[0]
                    // The Add becomes the Linear; the MatMul is left dead.
                    if let j = producer[out] { r.replace(j, with: Node(name: n.name, op: OpKind.linear, inputs: inputs, outputs: [out])) }
                    continue
                }
                r.replace(i, with: Node(name: n.name, op: OpKind.linear, inputs: inputs, outputs: n.outputs))
            } else if n.op == "Gemm", n.inputs.count >= 2, (n.float("alpha") ?? 1) == 1, (n.float("beta") ?? 1) == 1, n.int("transA") != 1,
                      let w = graph.initializers[n.inputs[1]], w.rank == 2 {
                var inputs = [n.inputs[0], n.inputs[1]]
                if n.int("transB") != 1 {
                    let name = n.inputs[1] + ".T"
                    r.graph.initializers[name] = TensorIndexing.transpose(w.asF32(), [1, 0])
                    inputs[1] = name
                }
                let nOut = n.int("transB") == 1 ? w.shape[0] : w.shape[1]
                if n.inputs.count == 3 {
                    guard let b = graph.initializers[n.inputs[2]], b.count == nOut else { continue }
                    let bias = n.inputs[2] + (b.shape == [nOut] ? "" : ".flat")
                    if b.shape != [nOut] { r.graph.initializers[bias] = b.reshaped([nOut]) }
                    inputs.append(bias)
                }
                r.replace(i, with: Node(name: n.name, op: OpKind.linear, inputs: inputs, outputs: n.outputs))
            }
        }
        return r.removingDeadNodes()
    }

    /// `LayerNormalization` over the last axis with constant scale (and bias) → `LayerNorm`.
    func fuseLayerNormalization() -> ModelGraph {
        var r = self
        for (i, n) in graph.nodes.enumerated() where n.op == "LayerNormalization" {
            guard let s = graph.initializers[n.inputs[1]], s.rank == 1, (n.int("axis") ?? -1) == -1 else { continue }
            var bias = n.inputs.count > 2 ? n.inputs[2] : ""
            if bias.isEmpty {
                bias = n.name + ".zero_bias"
                r.graph.initializers[bias] = Tensor(zeros: .f32, shape: s.shape)
            }
            guard graph.initializers[bias]?.shape ?? s.shape == s.shape else { continue }
            r.replace(i, with: Node(name: n.name, op: OpKind.layerNorm, inputs: [n.inputs[0], n.inputs[1], bias], outputs: n.outputs,
                                    attributes: ["epsilon": .float(n.float("epsilon") ?? 1e-5)]))
        }
        return r.removingDeadNodes()
    }

    /// The decomposed LayerNorm of older exports (opset < 17); the square may be `Pow(c, 2)` or `Mul(c, c)`.
    func fuseLayerNormDecomposed() -> ModelGraph {
        var r = self
        func lastAxisMean(_ n: Node) -> Bool {
            n.op == "ReduceMean" && SymbolicShape.optionalInts(n, "axes") == [-1] && (n.int("keepdims") ?? 1) == 1
        }
        for mean in graph.nodes where lastAxisMean(mean) {
            let x = mean.inputs[0]
            // Sub(x, mean) feeds both Pow and Div.
            guard let subIdx = consumers[mean.outputs[0]]?.first, case let sub = graph.nodes[subIdx], sub.op == "Sub",
                  sub.inputs == [x, mean.outputs[0]], let users = consumers[sub.outputs[0]], users.count == 2 || users.count == 1 else { continue }
            let pair = users.map { graph.nodes[$0] }
            guard let pow = pair.first(where: { ($0.op == "Pow" && scalar($0.inputs[1]) == 2) || ($0.op == "Mul" && $0.inputs == [sub.outputs[0], sub.outputs[0]]) }),
                  let div = pair.first(where: { $0.op == "Div" }), div.inputs[0] == sub.outputs[0],
                  let varMean = soleConsumer(of: pow.outputs[0]), lastAxisMean(varMean),
                  let addEps = soleConsumer(of: varMean.outputs[0]), addEps.op == "Add",
                  let epsName = PatternRewriter.other(addEps, varMean.outputs[0]), let eps = scalar(epsName),
                  let sqrt = soleConsumer(of: addEps.outputs[0]), sqrt.op == "Sqrt", div.inputs[1] == sqrt.outputs[0],
                  let mul = soleConsumer(of: div.outputs[0]), mul.op == "Mul", let gamma = PatternRewriter.other(mul, div.outputs[0]),
                  let g = graph.initializers[gamma], g.rank == 1,
                  let add = soleConsumer(of: mul.outputs[0]), add.op == "Add", let beta = PatternRewriter.other(add, mul.outputs[0]),
                  graph.initializers[beta]?.shape == g.shape, let at = producer[add.outputs[0]] else { continue }
            r.replace(at, with: Node(name: mean.name, op: OpKind.layerNorm, inputs: [x, gamma, beta], outputs: add.outputs,
                                     attributes: ["epsilon": .float(eps)]))
        }
        return r.removingDeadNodes()
    }

    /// `x · 0.5 · (1 + erf(x / √2))` → `Gelu {approximate = "none"}`.
    func fuseGelu() -> ModelGraph {
        var r = self
        for erf in graph.nodes where erf.op == "Erf" {
            guard let scale = node(producing: erf.inputs[0]), scale.inputs.count == 2, let c = scalar(scale.inputs[1]),
                  (scale.op == "Div" && abs(c - 1.4142135) < 1e-5) || (scale.op == "Mul" && abs(c - 0.70710677) < 1e-6) else { continue }
            let x = scale.inputs[0]
            guard let plus = soleConsumer(of: erf.outputs[0]), plus.op == "Add", let one = PatternRewriter.other(plus, erf.outputs[0]),
                  scalar(one) == 1, let m1 = soleConsumer(of: plus.outputs[0]), m1.op == "Mul",
                  let partner = PatternRewriter.other(m1, plus.outputs[0]) else { continue }
            var last: Node?
            if partner == x, let m2 = soleConsumer(of: m1.outputs[0]), m2.op == "Mul", let h = PatternRewriter.other(m2, m1.outputs[0]), scalar(h) == 0.5 {
                last = m2
            } else if let half = node(producing: partner), half.op == "Mul", half.inputs.contains(x),
                      let h = PatternRewriter.other(half, x), scalar(h) == 0.5 {
                last = m1
            } else if scalar(partner) == 0.5, let m2 = soleConsumer(of: m1.outputs[0]), m2.op == "Mul",
                      PatternRewriter.other(m2, m1.outputs[0]) == x {
                last = m2
            }
            guard let end = last, let at = producer[end.outputs[0]] else { continue }
            r.replace(at, with: Node(name: erf.name, op: "Gelu", inputs: [x], outputs: end.outputs, attributes: ["approximate": .string("none")]))
        }
        return r.removingDeadNodes()
    }
}
