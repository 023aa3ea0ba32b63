/// `Resize(x) {sizes | scales, mode, coordinate_transformation_mode, nearest_mode, cubic_coeff_a,
/// exclude_outside, axes}` on float tensors, with ONNX semantics (`sizes` and `scales` are folded
/// from the inputs by `ShapeFolding`; `roi` is only read by `tf_crop_and_resize`, which is refused,
/// as are `antialias = 1` and a `keep_aspect_ratio_policy` other than `stretch`).
///
/// Separable: each resized axis, last to first, is one pass of `ResizeTaps` weights accumulated in
/// fp32 — the order ONNX Runtime's 2-D cubic and linear paths use, so results agree to rounding
/// (≈1e-7 relative). An axis whose size and scale are unchanged is left as is.
struct ResizeKernel: OpKernel {
    let kind = "Resize"

    /// (output size, scale) per axis for input `shape`.
    static func plan(_ node: Node, _ shape: [Int]) throws -> [(Int, Float)] {
        let rank = shape.count
        for (key, allowed) in [("coordinate_transformation_mode", ResizeTaps.coordinateModes), ("mode", ["nearest", "linear", "cubic"]),
                               ("nearest_mode", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]), ("keep_aspect_ratio_policy", ["stretch"])] {
            if let v = node.string(key) { try KernelCheck.require(allowed.contains(v), node, "\(key) \"\(v)\" is not supported") }
        }
        try KernelCheck.require((node.int("antialias") ?? 0) == 0, node, "antialias = 1 is not supported")
        let axes = try (SymbolicShape.optionalInts(node, "axes") ?? Array(0..<rank)).map { try SymbolicShape.axis(node, $0, rank: rank) }
        try KernelCheck.require(Set(axes).count == axes.count, node, "repeated axis in \(axes)")
        var plan = shape.map { ($0, Float(1)) }
        if let sizes = SymbolicShape.optionalInts(node, "sizes"), !sizes.isEmpty {
            try KernelCheck.require(sizes.count == axes.count, node, "sizes \(sizes) do not match axes \(axes)")
            for (a, s) in zip(axes, sizes) {
                try KernelCheck.require(s > 0 && s <= ShapeFolding.maxFoldedElements, node, "size \(s) is out of range")
                try KernelCheck.require(shape[a] > 0, node, "cannot resize an empty axis")
                plan[a] = (s, Float(s) / Float(shape[a]))
            }
        } else if case .floats(let scales)? = node.attributes["scales"], !scales.isEmpty {
            try KernelCheck.require(scales.count == axes.count, node, "scales \(scales) do not match axes \(axes)")
            for (a, s) in zip(axes, scales) {
                let n = (Double(shape[a]) * Double(s)).rounded(.down)
                try KernelCheck.require(s > 0 && s.isFinite && n >= 1 && n <= Double(ShapeFolding.maxFoldedElements), node, "scale \(s) is out of range")
                plan[a] = (Int(n), s)
            }
        } else {
            throw GraphError.shapeMismatch(node: node.name, detail: "Resize needs constant sizes or scales")
        }
        return plan
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0]
        // The batch may stay symbolic when the plan leaves it unchanged.
        let concrete = x.shape.map { $0.value ?? 1 }
        let p = try Self.plan(node, concrete)
        return [ValueInfo(name: "", shape: x.shape.enumerated().map { i, d in
            d.value == nil && p[i].0 == 1 && p[i].1 == 1 ? d : .fixed(p[i].0)
        })]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        var t = inputs[0].asF32()
        let p = try Self.plan(node, t.shape)
        try KernelAllocation.reserve(node, try KernelAllocation.product(node, p.map(\.0), role: "output"), elementBytes: 4, role: "output")
        let taps = try ResizeTaps.Settings(node)
        for a in stride(from: t.rank - 1, through: 0, by: -1) where p[a].0 != t.shape[a] || p[a].1 != 1 {
            var shape = t.shape
            shape[a] = p[a].0
            // The output first: its allocation checks the size that bounds the weight table too.
            let out = try KernelAllocation.tensor(node, .f32, shape)
            let w = try taps.weights(inputSize: t.shape[a], outputSize: p[a].0, scale: p[a].1, node: node)
            let outer = t.shape[..<a].reduce(1, *), inner = t.shape[(a + 1)...].reduce(1, *), n = t.shape[a]
            let src = t.floats, dst = out.mutableFloats
            for o in 0..<outer {
                for (k, row) in w.enumerated() {
                    let d = dst + (o * p[a].0 + k) * inner
                    for (index, weight) in row {
                        let s = src + (o * n + index) * inner
                        for i in 0..<inner { d[i] += weight * s[i] }
                    }
                }
            }
            t = out
        }
        return [t]
    }
}
