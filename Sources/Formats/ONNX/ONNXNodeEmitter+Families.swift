import Graph

extension ONNXNodeEmitter {
    /// ONNX translations of the family ops (`OpKind.quickGelu`, `.swiglu`, `.concatFeatures`,
    /// `.attentionPool`, BEiT's `.relativePositionBias` and `.biasedAttention`), in standard operators every opset vitopt writes (≥ 13) has; `nil` for
    /// other ops.
    func emitFamilyOp(_ n: Node, into b: inout ONNXGraphBuilder) throws -> Bool {
        let out = n.outputs[0], x = n.inputs.first ?? ""
        switch n.op {
        case OpKind.quickGelu:
            // x·σ(1.702·x)
            let gate = b.add("Sigmoid", [b.add("Mul", [x, b.float(1.702)], name: n.name + ".scale")], name: n.name + ".sigmoid")
            b.add("Mul", [x, gate], name: n.name, output: out)
        case OpKind.swiglu:
            guard let width = infos[x]?.shape.last?.value, width % 2 == 0 else { throw unsupported(n, "width unknown or odd") }
            let h = width / 2
            let a = b.add("Slice", [x, b.ints([0]), b.ints([h]), b.ints([-1])], name: n.name + ".gate")
            let v = b.add("Slice", [x, b.ints([h]), b.ints([width]), b.ints([-1])], name: n.name + ".value")
            let silu = b.add("Mul", [a, b.add("Sigmoid", [a], name: n.name + ".sigmoid")], name: n.name + ".silu")
            b.add("Mul", [silu, v], name: n.name, output: out)
        case OpKind.concatFeatures:
            b.add("Concat", n.inputs, ["axis": .int(-1)], name: n.name, output: out)
        case OpKind.attentionPool:
            try attentionPool(n, &b)
        case OpKind.biasedAttention:
            try attention(n, &b)
        case OpKind.relativePositionBias:
            // table[index] as [T·T, H] → [H, T·T] → [H, T, T]; the index is a constant computed from the grid.
            guard case .ints(let grid)? = n.attributes["grid"], grid.count == 2, grid.allSatisfy({ $0 > 0 && $0 <= 90 }) else {
                // (90×90 patches: an 8101² index, 525 MB as int64, already past any BEiT.)
                throw unsupported(n, "no grid attribute")
            }
            let t = grid[0] * grid[1] + 1
            let index = b.ints(ViTRelativePositionBias.index(grid: grid).map { Int($0) })
            let rows = b.add("Gather", [x, index], ["axis": .int(0)], name: n.name + ".gather")
            let heads = b.add("Transpose", [rows], ["perm": .ints([1, 0])], name: n.name + ".heads")
            b.add("Reshape", [heads, b.ints([-1, t, t])], name: n.name, output: out)
        case OpKind.rope:
            try rope(n, &b)
        default:
            return false
        }
        return true
    }

    /// `softmax(q·Kᵀ/√dh)·V` per head for learned queries `q [1|N, L, D]` over `kv [N, T, 2D]`, the
    /// query batch broadcast by `MatMul`.
    private func attentionPool(_ n: Node, _ b: inout ONNXGraphBuilder) throws {
        guard let heads = n.int("num_heads"), heads > 0, let d = infos[n.inputs[0]]?.shape.last?.value, d % heads == 0 else {
            throw unsupported(n, "unknown width or heads")
        }
        let dh = d / heads
        let q = b.add("Transpose", [b.add("Reshape", [n.inputs[0], b.ints([0, 0, heads, dh])], name: n.name + ".q_heads")],
                      ["perm": .ints([0, 2, 1, 3])], name: n.name + ".q_t")
        let kv = b.add("Transpose", [b.add("Reshape", [n.inputs[1], b.ints([0, 0, 2, heads, dh])], name: n.name + ".kv_heads")],
                       ["perm": .ints([2, 0, 3, 1, 4])], name: n.name + ".kv_t")
        let k = b.add("Gather", [kv, b.ints([0], scalar: true)], ["axis": .int(0)], name: n.name + ".k")
        let v = b.add("Gather", [kv, b.ints([1], scalar: true)], ["axis": .int(0)], name: n.name + ".v")
        let kt = b.add("Transpose", [k], ["perm": .ints([0, 1, 3, 2])], name: n.name + ".k_t")
        let scores = b.add("Mul", [b.add("MatMul", [q, kt], name: n.name + ".qk"), b.float(1 / Float(dh).squareRoot())], name: n.name + ".scale")
        let probs = b.add("Softmax", [scores], ["axis": .int(-1)], name: n.name + ".softmax")
        let o = b.add("Transpose", [b.add("MatMul", [probs, v], name: n.name + ".pv")], ["perm": .ints([0, 2, 1, 3])], name: n.name + ".merge")
        b.add("Reshape", [o, b.ints([0, 0, d])], name: n.name, output: n.outputs[0])
    }
}
