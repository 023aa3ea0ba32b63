import Graph

extension ONNXNodeEmitter {
    /// ONNX translations of Swin's ops in standard operators (opset ≥ 13): `WindowAttention` as a
    /// `Gather` of the tokens into shifted-window order (the cyclic shift and window partition as one
    /// constant permutation), per-head `MatMul`s, the bias gathered from the table initializer by
    /// the constant relative-position index, the constant −100 shift mask, `Softmax`, and the inverse
    /// permutation; `PatchMerging` as a `Gather` of each 2×2 neighbourhood and a `Reshape`. Swin v2:
    /// `ContinuousPositionBias` as its MLP on the constant coordinate table (`MatMul` with the
    /// transposed weights, `Add`, `Relu`, `MatMul`, `Sigmoid`, `Mul` 16), and the cosine
    /// `WindowAttention` with q and k divided by `Max(Sqrt(sum of squares), 1e−12)` (the sum a `MatMul`
    /// with ones) and the scores multiplied by `Exp(Min(logit_scale, ln 100))`. `false` for other ops.
    func emitSwinOp(_ n: Node, into b: inout ONNXGraphBuilder) throws -> Bool {
        switch n.op {
        case OpKind.windowAttention:
            try windowAttention(n, &b)
        case OpKind.continuousPositionBias:
            try continuousPositionBias(n, &b)
        case OpKind.patchMerging:
            guard let gh = n.int("grid_h"), let gw = n.int("grid_w"), let c = infos[n.inputs[0]]?.shape.last?.value else {
                throw unsupported(n, "unknown grid or width")
            }
            var idx: [Int] = []
            for i in 0..<(gh / 2) {
                for j in 0..<(gw / 2) { for (dy, dx) in [(0, 0), (1, 0), (0, 1), (1, 1)] { idx.append((2 * i + dy) * gw + 2 * j + dx) } }
            }
            let g = b.add("Gather", [n.inputs[0], b.ints(idx)], ["axis": .int(1)], name: n.name + ".gather")
            b.add("Reshape", [g, b.ints([0, gh * gw / 4, 4 * c])], name: n.name, output: n.outputs[0])
        default:
            return false
        }
        return true
    }

    private func windowAttention(_ n: Node, _ b: inout ONNXGraphBuilder) throws {
        let keys = ["num_heads", "grid_h", "grid_w", "window_h", "window_w", "shift_h", "shift_w"]
        let v = keys.compactMap { n.int($0) }
        guard v.count == keys.count, let width = infos[n.inputs[0]]?.shape.last?.value else { throw unsupported(n, "missing attributes") }
        let (heads, grid, window, shift) = (v[0], [v[1], v[2]], [v[3], v[4]], [v[5], v[6]])
        let c = width / 3, dh = c / heads, area = window[0] * window[1], tokens = grid[0] * grid[1], windows = tokens / area
        let order = SwinWindows.order(grid: grid, window: window, shift: shift)
        var inverse = [Int](repeating: 0, count: tokens)
        for (i, t) in order.tokens.enumerated() { inverse[t] = i }
        let x = b.add("Gather", [n.inputs[0], b.ints(order.tokens)], ["axis": .int(1)], name: n.name + ".partition")
        let r = b.add("Reshape", [x, b.ints([-1, area, 3, heads, dh])], name: n.name + ".split_heads")
        let p = b.add("Transpose", [r], ["perm": .ints([2, 0, 3, 1, 4])], name: n.name + ".permute")
        let parts = (0..<3).map { b.add("Gather", [p, b.ints([$0], scalar: true)], ["axis": .int(0)], name: n.name + ".part") }
        let kt = b.add("Transpose", [parts[1]], ["perm": .ints([0, 1, 3, 2])], name: n.name + ".k_t")
        var s: String
        if n.inputs.count == 3 {
            // Swin v2: scaled cosine attention
            let ones = b.fresh("vitopt.const")
            b.constants.append((ones, Tensor(shape: [dh, 1], floats: [Float](repeating: 1, count: dh))))
            func unit(_ v: String, _ label: String) -> String {
                let ss = b.add("MatMul", [b.add("Mul", [v, v], name: n.name + ".\(label)_sq"), ones], name: n.name + ".\(label)_ss")
                let norm = b.add("Max", [b.add("Sqrt", [ss], name: n.name + ".\(label)_norm"), b.float(1e-12)], name: n.name + ".\(label)_eps")
                return b.add("Div", [v, norm], name: n.name + ".\(label)_unit")
            }
            let qu = unit(parts[0], "q"), ku = b.add("Transpose", [unit(parts[1], "k")], ["perm": .ints([0, 1, 3, 2])], name: n.name + ".k_unit_t")
            let scale = b.add("Exp", [b.add("Min", [n.inputs[2], b.float(SwinContinuousPositionBias.maxLogitScale)], name: n.name + ".clamp")],
                              name: n.name + ".logit_scale")
            s = b.add("Mul", [b.add("MatMul", [qu, ku], name: n.name + ".cos"), scale], name: n.name + ".scale")
        } else {
            s = b.add("Mul", [b.add("MatMul", [parts[0], kt], name: n.name + ".qk"), b.float(1 / Float(dh).squareRoot())], name: n.name + ".scale")
        }
        let rows = b.add("Gather", [n.inputs[1], b.ints(SwinWindows.biasIndex(window: window))], ["axis": .int(0)], name: n.name + ".bias_rows")
        let bias = b.add("Reshape", [b.add("Transpose", [rows], ["perm": .ints([1, 0])], name: n.name + ".bias_t"), b.ints([1, heads, area, area])],
                         name: n.name + ".bias")
        s = b.add("Add", [s, bias], name: n.name + ".add_bias")
        if shift.contains(where: { $0 > 0 }) {
            var mask = [Float](repeating: 0, count: windows * area * area)
            for w in 0..<windows {
                for i in 0..<area {
                    for j in 0..<area where order.regions[w * area + i] != order.regions[w * area + j] { mask[(w * area + i) * area + j] = -100 }
                }
            }
            let m = b.fresh("vitopt.const")
            b.constants.append((m, Tensor(shape: [windows, 1, area, area], floats: mask)))
            let s5 = b.add("Reshape", [s, b.ints([-1, windows, heads, area, area])], name: n.name + ".by_window")
            s = b.add("Reshape", [b.add("Add", [s5, m], name: n.name + ".mask"), b.ints([-1, heads, area, area])], name: n.name + ".masked")
        }
        let probs = b.add("Softmax", [s], ["axis": .int(-1)], name: n.name + ".softmax")
        let o = b.add("Transpose", [b.add("MatMul", [probs, parts[2]], name: n.name + ".pv")], ["perm": .ints([0, 2, 1, 3])], name: n.name + ".merge")
        let merged = b.add("Reshape", [o, b.ints([-1, tokens, c])], name: n.name + ".reverse")
        b.add("Gather", [merged, b.ints(inverse)], ["axis": .int(1)], name: n.name, output: n.outputs[0])
    }

    private func continuousPositionBias(_ n: Node, _ b: inout ONNXGraphBuilder) throws {
        let keys = ["window_h", "window_w", "pretrained_h", "pretrained_w"]
        let v = keys.compactMap { n.int($0) }
        guard v.count == keys.count, n.inputs.count == 3 else { throw unsupported(n, "missing attributes or inputs") }
        let window = [v[0], v[1]]
        let coords = SwinContinuousPositionBias.coordinates(window: window, pretrained: [v[2], v[3]])
        let c = b.fresh("vitopt.const")
        b.constants.append((c, Tensor(shape: [coords.count / 2, 2], floats: coords)))
        let w1 = b.add("Transpose", [n.inputs[0]], ["perm": .ints([1, 0])], name: n.name + ".w1_t")
        let h = b.add("Relu", [b.add("Add", [b.add("MatMul", [c, w1], name: n.name + ".fc1"), n.inputs[1]], name: n.name + ".fc1_bias")],
                      name: n.name + ".relu")
        let w2 = b.add("Transpose", [n.inputs[2]], ["perm": .ints([1, 0])], name: n.name + ".w2_t")
        let t = b.add("Sigmoid", [b.add("MatMul", [h, w2], name: n.name + ".fc2")], name: n.name + ".sigmoid")
        b.add("Mul", [t, b.float(16)], name: n.name, output: n.outputs[0])
    }
}
