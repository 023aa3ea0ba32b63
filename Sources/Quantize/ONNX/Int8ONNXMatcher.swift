import Graph

/// Graph lookups and the rewrite for `Int8ONNXPatterns`: matches one chain per `MatMulInteger`,
/// records its `Int8Linear` replacement at the chain's last node, and drops what became dead.
struct Int8ONNXMatcher {
    var graph: ModelGraph
    var producer: [String: Int] = [:]
    var consumers: [String: [Int]] = [:]
    /// Replacement nodes by index (the final node of each matched chain).
    var replacements: [Int: Node] = [:]

    init(_ g: ModelGraph) {
        graph = g
        for (i, n) in g.nodes.enumerated() {
            for o in n.outputs { producer[o] = i }
            for x in Set(n.inputs) { consumers[x, default: []].append(i) }
        }
    }

    func node(_ v: String) -> Node? { producer[v].map { graph.nodes[$0] } }

    /// The only consumer of `v` (index and node), when `v` is not a graph output.
    func sole(_ v: String) -> (Int, Node)? {
        guard !graph.outputs.contains(v), let c = consumers[v], c.count == 1 else { return nil }
        return (c[0], graph.nodes[c[0]])
    }

    func other(_ n: Node, _ v: String) -> String? {
        guard n.inputs.count == 2 else { return nil }
        return n.inputs[0] == v ? n.inputs[1] : (n.inputs[1] == v ? n.inputs[0] : nil)
    }

    func fail(_ s: String) -> Result<String, PatternMismatch> { .failure(PatternMismatch(text: s)) }

    mutating func match(_ index: Int) -> Result<String, PatternMismatch> {
        let mm = graph.nodes[index]
        guard mm.inputs.count >= 2, let w = graph.initializers[mm.inputs[1]] else { return fail("weight is not a constant") }
        guard w.dtype == .i8, w.rank == 2 else { return fail("weight is \(w.dtype.rawValue) \(w.shape), not I8 [K, N]") }
        let n = w.shape[1]
        if mm.inputs.count > 3, !mm.inputs[3].isEmpty {
            guard let z = graph.initializers[mm.inputs[3]], z.dtype == .i8, z.intArray().allSatisfy({ $0 == 0 }) else {
                return fail("weight zero point is not a constant 0")
            }
        }
        // Forward: [Sub(acc, Mul(Cast(zp), colsum))] → Cast F32 → Mul(·, scales) → [Add bias].
        var v = mm.outputs[0]
        var perToken: (zp: String, colsum: String)? = nil
        if let (_, sub) = sole(v), sub.op == "Sub", sub.inputs[0] == v, let corr = node(sub.inputs[1]), corr.op == "Mul" {
            guard let cs = corr.inputs.first(where: { graph.initializers[$0] != nil }), let zc = corr.inputs.first(where: { $0 != cs }),
                  let cast = node(zc), cast.op == "Cast" else { return fail("unrecognised zero-point correction") }
            perToken = (cast.inputs[0], cs)
            v = sub.outputs[0]
        }
        guard let (_, cast) = sole(v), cast.op == "Cast", cast.string("to") == DType.f32.rawValue else { return fail("accumulator is not cast to float") }
        guard let (mulIdx, mul) = sole(cast.outputs[0]), mul.op == "Mul", let scales = other(mul, cast.outputs[0]),
              let sm = node(scales), sm.op == "Mul", sm.inputs.count == 2 else { return fail("no Mul by (activation scale · weight scale)") }
        guard let wsName = sm.inputs.first(where: { graph.initializers[$0] != nil }), let xs = sm.inputs.first(where: { $0 != wsName }),
              let ws = graph.initializers[wsName], ws.dtype.isFloatingPoint, ws.count == 1 || ws.shape == [n] else {
            return fail("weight scale is not a constant scalar or [\(n)]")
        }
        var last = (mulIdx, mul), bias: String? = nil
        if let (addIdx, add) = sole(mul.outputs[0]), add.op == "Add", let b = other(add, mul.outputs[0]),
           let bt = graph.initializers[b], bt.dtype.isFloatingPoint, bt.shape == [n] {
            last = (addIdx, add)
            bias = b
        }
        // Backward: the activation x and the scheme.
        let x: String, scheme: ActivationScheme
        if let pt = perToken {
            guard mm.inputs.count == 2 || mm.inputs[2...].allSatisfy(\.isEmpty) else { return fail("per-token chain with an A zero point") }
            guard let c8 = node(mm.inputs[0]), c8.op == "Cast", let clip = node(c8.inputs[0]), clip.op == "Clip",
                  clip.inputs.count == 3, constant(clip.inputs[1], 0), constant(clip.inputs[2], 255), c8.string("to") == DType.u8.rawValue,
                  let add = node(clip.inputs[0]), add.op == "Add", add.inputs.contains(pt.zp),
                  let round = node(add.inputs.first { $0 != pt.zp } ?? ""), round.op == "Round",
                  let div = node(round.inputs[0]), div.op == "Div", div.inputs[1] == xs else { return fail("unrecognised per-token quantization") }
            guard let csT = graph.initializers[pt.colsum], csT.shape == [n], csT.intArray() == columnSums(w) else {
                return fail("zero-point correction is not the weight's column sums")
            }
            x = div.inputs[0]
            guard perTokenRange(x: x, scale: xs, zeroPoint: pt.zp) else { return fail("per-token scale or zero point is not vitopt's (min/max of each row, widened to 0)") }
            scheme = .perToken
        } else {
            guard let dql = node(mm.inputs[0]), dql.op == "DynamicQuantizeLinear", mm.inputs.count > 2, mm.inputs[2] == dql.outputs[2],
                  dql.outputs[1] == xs else { return fail("activation is not DynamicQuantizeLinear's (value, scale, zero point)") }
            x = dql.inputs[0]
            scheme = .perTensor
        }
        let base = mm.inputs[1].hasSuffix("_quantized") ? String(mm.inputs[1].dropLast("_quantized".count)) : mm.inputs[1]
        replacements[last.0] = int8Linear(name: last.1.name, x: x, base: base, weight: w, scale: ws, bias: bias,
                                          output: last.1.outputs[0], attributes: ["activations": .string(scheme.rawValue)])
        return .success(mm.name)
    }

    /// The `Int8Linear` replacing a matched chain, its initializers added under names derived from
    /// `base`: the weight `[K, N]` transposed to vitopt's `[N, K]`, the scale broadcast to `[N]`, the packed panels.
    mutating func int8Linear(name: String, x: String, base: String, weight w: Tensor, scale ws: Tensor, bias: String?,
                             output: String, attributes: [String: Attribute]) -> Node {
        let n = w.shape[1]
        let wName = unique(base + ".int8"), sName = unique(base + ".int8_scale"), pName = unique(base + ".packed")
        let wt = transposed(w)
        let scaleT = ws.count == n ? ws.asF32().copy() : Tensor(shape: [n], floats: [Float](repeating: ws.floatArray()[0], count: n))
        let biasT = bias.map { graph.initializers[$0]!.asF32() }
        graph.initializers[wName] = wt
        graph.initializers[sName] = scaleT
        graph.initializers[pName] = PackedWeights(weight: wt, scale: scaleT, bias: biasT).tensor
        return Node(name: name, op: Int8LinearKernel.op, inputs: [x, pName, wName, sName] + (bias.map { [$0] } ?? []),
                    outputs: [output], attributes: attributes)
    }

    /// A reduction over the last axis (`axes` attribute `[-1]`, as ONNX import and the lowering spell it).
    func lastAxis(_ r: Node) -> Bool {
        if case .ints(let a)? = r.attributes["axes"] { return a == [-1] }
        return false
    }

    func constant(_ v: String, _ value: Float) -> Bool {
        guard let t = graph.initializers[v], t.count == 1, t.dtype.isFloatingPoint else { return false }
        return t.floatArray()[0] == value
    }

    /// `scale = Where(Equal(s0, 0), 1, s0)`, `s0 = (Max(ReduceMax(x), 0) − Min(ReduceMin(x), 0)) / 255` over the
    /// last axis, and `zeroPoint = Clip(Round(Neg(lo) / scale), 0, 255)`: `Int8ONNXLowering`'s per-token form.
    func perTokenRange(x: String, scale: String, zeroPoint: String) -> Bool {
        func reduce(_ v: String, _ op: String, _ bound: String) -> String? {
            guard let b = node(v), b.op == bound, b.inputs.count == 2, let r = node(b.inputs[0]), r.op == op, r.inputs[0] == x,
                  lastAxis(r), (r.int("keepdims") ?? 1) == 1, constant(b.inputs[1], 0) else { return nil }
            return v
        }
        guard let wh = node(scale), wh.op == "Where", wh.inputs.count == 3, constant(wh.inputs[1], 1),
              let eq = node(wh.inputs[0]), eq.op == "Equal", eq.inputs[0] == wh.inputs[2], constant(eq.inputs[1], 0),
              let d = node(wh.inputs[2]), d.op == "Div", constant(d.inputs[1], 255),
              let sub = node(d.inputs[0]), sub.op == "Sub", reduce(sub.inputs[0], "ReduceMax", "Max") != nil,
              let lo = reduce(sub.inputs[1], "ReduceMin", "Min"),
              let clip = node(zeroPoint), clip.op == "Clip", clip.inputs.count == 3, constant(clip.inputs[1], 0), constant(clip.inputs[2], 255),
              let round = node(clip.inputs[0]), round.op == "Round", let zd = node(round.inputs[0]), zd.op == "Div", zd.inputs[1] == scale,
              let neg = node(zd.inputs[0]), neg.op == "Neg", neg.inputs[0] == lo else { return false }
        return true
    }

    func unique(_ s: String) -> String {
        var name = s, i = 1
        while graph.initializers[name] != nil || producer[name] != nil { i += 1; name = "\(s)\(i)" }
        return name
    }

    /// `[K, N]` I8 → `[N, K]` I8.
    func transposed(_ w: Tensor) -> Tensor {
        let k = w.shape[0], n = w.shape[1]
        let out = Tensor(zeros: .i8, shape: [n, k])
        w.withElements(as: Int8.self) { s in
            out.withMutableElements(as: Int8.self) { d in
                for r in 0..<k { for c in 0..<n { d[c * k + r] = s[r * n + c] } }
            }
        }
        return out
    }

    /// Column sums of a `[K, N]` I8 weight.
    func columnSums(_ w: Tensor) -> [Int] {
        let k = w.shape[0], n = w.shape[1]
        return w.withElements(as: Int8.self) { s in (0..<n).map { c in (0..<k).reduce(0) { $0 + Int(s[$1 * n + c]) } } }
    }

    /// The graph with the replacements in place and dead nodes and initializers dropped.
    func finish() -> ModelGraph {
        var g = graph
        for (i, r) in replacements { g.nodes[i] = r }
        return g.removingDeadNodes()
    }
}
