import Graph

extension Int8ONNXMatcher {
    /// ONNX Runtime's quantized patch embedding: `DynamicQuantizeLinear(x) → ConvInteger(q, W, zp, 0)
    /// {strides = kernel, no padding, group 1} → Cast F32 → Mul(·, x_scale · w_scale) (→ Add bias, the
    /// bias possibly through a constant Reshape)` becomes `Int8PatchConv`.
    mutating func matchConv(_ index: Int) -> Result<String, PatternMismatch> {
        let conv = graph.nodes[index]
        guard conv.inputs.count >= 3, let w = graph.initializers[conv.inputs[1]] else { return fail("weight is not a constant") }
        guard w.dtype == .i8, w.rank == 4 else { return fail("weight is \(w.dtype.rawValue) \(w.shape), not I8 [M, C, kh, kw]") }
        let m = w.shape[0], k = w.shape[1] * w.shape[2] * w.shape[3]
        func ints(_ key: String) -> [Int]? { if case .ints(let v)? = conv.attributes[key] { return v }; return nil }
        let kernel = [w.shape[2], w.shape[3]]
        guard ints("strides") == kernel, (ints("pads") ?? [0, 0, 0, 0]).allSatisfy({ $0 == 0 }),
              (ints("dilations") ?? [1, 1]) == [1, 1], (conv.int("group") ?? 1) == 1 else {
            return fail("not a patch convolution (stride = kernel, no padding, no dilation, one group)")
        }
        if conv.inputs.count > 3, !conv.inputs[3].isEmpty {
            guard let z = graph.initializers[conv.inputs[3]], z.dtype == .i8, z.intArray().allSatisfy({ $0 == 0 }) else {
                return fail("weight zero point is not a constant 0")
            }
        }
        guard let dql = node(conv.inputs[0]), dql.op == "DynamicQuantizeLinear", conv.inputs[2] == dql.outputs[2] else {
            return fail("activation is not DynamicQuantizeLinear's")
        }
        guard let (_, cast) = sole(conv.outputs[0]), cast.op == "Cast", cast.string("to") == DType.f32.rawValue,
              let (mulIdx, mul) = sole(cast.outputs[0]), mul.op == "Mul", let scales = other(mul, cast.outputs[0]),
              let sm = node(scales), sm.op == "Mul", sm.inputs.contains(dql.outputs[1]),
              let wsName = sm.inputs.first(where: { $0 != dql.outputs[1] }), let ws = graph.initializers[wsName],
              ws.dtype.isFloatingPoint, ws.count == 1 else { return fail("no Mul by (activation scale · constant scalar weight scale)") }
        var last = (mulIdx, mul), bias: Tensor? = nil
        if let (addIdx, add) = sole(mul.outputs[0]), add.op == "Add", let b = other(add, mul.outputs[0]) {
            // The bias must broadcast along the channel axis: [1, M, 1, 1] or [M, 1, 1], directly or as a Reshape's target.
            let channel: ([Int]) -> Bool = { $0 == [1, m, 1, 1] || $0 == [m, 1, 1] || $0 == [1, -1, 1, 1] || $0 == [-1, 1, 1] }
            var constant: Tensor? = nil
            if let t = graph.initializers[b], channel(t.shape) { constant = t }
            if let r = node(b), r.op == "Reshape", let t = graph.initializers[r.inputs[0]], case .ints(let shape)? = r.attributes["shape"], channel(shape) { constant = t }
            if let bt = constant, bt.dtype.isFloatingPoint, bt.count == m {
                last = (addIdx, add)
                bias = bt.asF32().reshaped([m])
            }
        }
        let base = conv.inputs[1].hasSuffix("_quantized") ? String(conv.inputs[1].dropLast("_quantized".count)) : conv.inputs[1]
        let wName = unique(base + ".int8"), sName = unique(base + ".int8_scale"), pName = unique(base + ".packed")
        let w2 = w.reshaped([m, k]).copy()
        let scaleT = Tensor(shape: [m], floats: [Float](repeating: ws.floatArray()[0], count: m))
        graph.initializers[wName] = w2
        graph.initializers[sName] = scaleT
        var inputs = [dql.inputs[0], pName, wName, sName]
        if let b = bias {
            let bName = unique(base + ".int8_bias")
            graph.initializers[bName] = b
            inputs.append(bName)
        }
        graph.initializers[pName] = PackedWeights(weight: w2, scale: scaleT, bias: bias).tensor
        replacements[last.0] = Node(name: last.1.name, op: Int8PatchConvKernel.op, inputs: inputs, outputs: [last.1.outputs[0]],
                                    attributes: ["kernel_shape": .ints(kernel)])
        return .success(conv.name)
    }
}
