/// Swin v2's continuous position bias table:
/// `ContinuousPositionBias(w1[Hd, 2], b1[Hd], w2[heads, Hd]) {window_h, window_w, pretrained_h, pretrained_w}`
/// → `[(2Wh−1)(2Ww−1), heads]`, each row `16·sigmoid(w2·relu(w1·c + b1))` for the row's log-spaced
/// relative coordinates `c` (`SwinContinuousPositionBias.coordinates`) — timm's
/// `16 * sigmoid(cpb_mlp(relative_coords_table))`, transformers' `continuous_position_bias_mlp`. The
/// `WindowAttention` that follows gathers it by the relative position index like a v1 table. Sums run
/// in fp32 in index order (the two coordinate products, then b1; the hidden units in order).
struct ContinuousPositionBiasKernel: OpKernel {
    let kind = OpKind.continuousPositionBias

    /// Window `[h, w]` and pretrained window `[h, w]`, checked.
    static func geometry(_ node: Node) throws -> (window: [Int], pretrained: [Int]) {
        func attr(_ name: String) throws -> Int {
            guard let v = node.int(name) else { throw GraphError.missingAttribute(node: node.name, name: name) }
            return v
        }
        let window = [try attr("window_h"), try attr("window_w")], pretrained = [try attr("pretrained_h"), try attr("pretrained_w")]
        try KernelCheck.require(window.allSatisfy { (1...64).contains($0) }, node, "window \(window[0])×\(window[1]) outside 1…64")
        try KernelCheck.require(pretrained.allSatisfy { (0...64).contains($0) }, node, "pretrained window \(pretrained[0])×\(pretrained[1]) outside 0…64")
        return (window, pretrained)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 2)
        try KernelCheck.rank(node, inputs[1], 1)
        try KernelCheck.rank(node, inputs[2], 2)
        let hidden = try KernelCheck.fixed(node, inputs[0], axis: 0), two = try KernelCheck.fixed(node, inputs[0], axis: 1)
        let b = try KernelCheck.fixed(node, inputs[1], axis: 0)
        let heads = try KernelCheck.fixed(node, inputs[2], axis: 0), k = try KernelCheck.fixed(node, inputs[2], axis: 1)
        try KernelCheck.require(two == 2 && b == hidden && k == hidden && hidden >= 1 && heads >= 1, node,
                                "weights must be [H, 2], [H] and [heads, H]; got [\(hidden), \(two)], [\(b)], [\(heads), \(k)]")
        let (w, _) = try Self.geometry(node)
        return [ValueInfo(name: "", shape: [.fixed((2 * w[0] - 1) * (2 * w[1] - 1)), .fixed(heads)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let (window, pretrained) = try Self.geometry(node)
        let hidden = inputs[0].shape[0], heads = inputs[2].shape[0]
        try KernelCheck.require(inputs[0].shape == [hidden, 2] && inputs[1].shape == [hidden] && inputs[2].shape == [heads, hidden], node,
                                "weights must be [H, 2], [H] and [heads, H]")
        let rows = (2 * window[0] - 1) * (2 * window[1] - 1)
        let out = try KernelAllocation.tensor(node, .f32, [rows, heads], zeroed: false)
        try KernelAllocation.reserve(node, hidden * max(1, context.threads), elementBytes: 4, role: "hidden units")
        let coords = SwinContinuousPositionBias.coordinates(window: window, pretrained: pretrained)
        let w1 = inputs[0].floats, b1 = inputs[1].floats, w2 = inputs[2].floats, y = out.mutableFloats
        context.parallelFor(rows) { range in
            var h = [Float](repeating: 0, count: hidden)
            for r in range {
                let c0 = coords[2 * r], c1 = coords[2 * r + 1]
                for u in 0..<hidden { h[u] = max(0, c0 * w1[2 * u] + c1 * w1[2 * u + 1] + b1[u]) }
                for o in 0..<heads {
                    var s: Float = 0
                    let w = w2 + o * hidden
                    for u in 0..<hidden { s += w[u] * h[u] }
                    y[r * heads + o] = 16 / (1 + VectorMath.exp(-s))
                }
            }
        }
        return [out]
    }
}
