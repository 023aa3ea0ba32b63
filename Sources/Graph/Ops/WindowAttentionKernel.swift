/// Swin's (shifted-)window multi-head self-attention core, on tokens in grid order:
/// `WindowAttention(qkv[N, Gh·Gw, 3C], table[(2Wh−1)(2Ww−1), heads]) {num_heads, grid_h, grid_w,
/// window_h, window_w, shift_h, shift_w}` → `[N, Gh·Gw, C]`.
///
/// The computation is timm's `SwinTransformerBlock._attn` (transformers' `SwinLayer`) between the
/// `qkv` and `proj` Linears, which act per token and so commute with the token shuffles: the grid is
/// cyclically shifted by `−shift` (`torch.roll`), cut into `Wh×Ww` windows, each window attends
/// within itself — `softmax(scale·q·kᵀ + B + M)·v` per head with `scale = (C/heads)^−½`, the
/// relative position bias `B[i,j] = table[(yᵢ−yⱼ+Wh−1)(2Ww−1) + xᵢ−xⱼ+Ww−1, head]` and, when shifted,
/// the mask `M[i,j] = −100` between tokens that came from different regions of the unshifted grid
/// (the libraries' `attn_mask`) — and the result is shifted back. The shuffles are index arithmetic:
/// every output token is written where it came from. Softmax subtracts the row max; sums run in
/// fp32 in key order. Needs `Gh % Wh == 0`, `Gw % Ww == 0`, `0 ≤ shift < window`.
///
/// Swin v2 (a third input `logit_scale[heads, 1, 1]`): scaled cosine attention, `q` and `k` each
/// divided by `max(‖·‖₂, 1e−12)` (`F.normalize`), their dot product times `exp(min(logit_scale,
/// ln 100))` instead of `(C/heads)^−½`; the table is then the already-activated continuous position
/// bias (`ContinuousPositionBias`), gathered the same way.
struct WindowAttentionKernel: OpKernel {
    let kind = OpKind.windowAttention

    /// The value the libraries add to scores between tokens of different shifted regions.
    static let maskValue: Float = -100
    /// Swin v2's clamp on the logit scale, `ln(1 / 0.01)` rounded to fp32 as the libraries' `clamp` does.
    static let maxLogitScale = SwinContinuousPositionBias.maxLogitScale

    struct Geometry {
        var heads, gh, gw, wh, ww, sh, sw, width: Int
        var area: Int { wh * ww }
        /// Swin v2: per head, the cosine-score multiplier `exp(min(logit_scale, ln 100))`.
        var cosineScale: [Float]? = nil
    }

    /// The attributes, checked against each other and the input shapes.
    static func geometry(_ node: Node, tokens: Int, qkvWidth: Int, table: [Int]) throws -> Geometry {
        func attr(_ name: String) throws -> Int {
            guard let v = node.int(name) else { throw GraphError.missingAttribute(node: node.name, name: name) }
            return v
        }
        let g = Geometry(heads: try attr("num_heads"), gh: try attr("grid_h"), gw: try attr("grid_w"), wh: try attr("window_h"),
                         ww: try attr("window_w"), sh: try attr("shift_h"), sw: try attr("shift_w"), width: qkvWidth / 3)
        try KernelCheck.require((1...64).contains(g.wh) && (1...64).contains(g.ww), node, "window \(g.wh)×\(g.ww) outside 1…64")
        try KernelCheck.require(g.gh >= 1 && g.gw >= 1 && g.gh % g.wh == 0 && g.gw % g.ww == 0, node,
                                "grid \(g.gh)×\(g.gw) does not tile into windows of \(g.wh)×\(g.ww)")
        try KernelCheck.require((0..<g.wh).contains(g.sh) && (0..<g.ww).contains(g.sw), node, "shift \(g.sh)×\(g.sw) outside the window")
        let (cells, overflow) = g.gh.multipliedReportingOverflow(by: g.gw)
        try KernelCheck.require(!overflow && cells == tokens, node, "grid \(g.gh)×\(g.gw) does not match \(tokens) tokens")
        try KernelCheck.require(qkvWidth % 3 == 0 && g.heads >= 1 && g.width % g.heads == 0, node,
                                "qkv width \(qkvWidth) is not 3 × a multiple of \(g.heads) heads")
        let rows = (2 * g.wh - 1) * (2 * g.ww - 1)
        try KernelCheck.require(table == [rows, g.heads], node, "relative position bias table must be [\(rows), \(g.heads)], is \(table)")
        return g
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        try KernelCheck.rank(node, inputs[1], 2)
        let t = try KernelCheck.fixed(node, inputs[0], axis: 1), w = try KernelCheck.fixed(node, inputs[0], axis: 2)
        let table = [try KernelCheck.fixed(node, inputs[1], axis: 0), try KernelCheck.fixed(node, inputs[1], axis: 1)]
        let g = try Self.geometry(node, tokens: t, qkvWidth: w, table: table)
        if inputs.count == 3 {
            let n = try (0..<inputs[2].shape.count).reduce(1) { try KernelCheck.product(node, [$0, KernelCheck.fixed(node, inputs[2], axis: $1)], "logit scale size") }
            try KernelCheck.require(n == g.heads, node, "logit scale must hold one value per head (\(g.heads)), holds \(n)")
        }
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], .fixed(t), .fixed(g.width)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        var g = try Self.geometry(node, tokens: x.shape[1], qkvWidth: x.shape[2], table: inputs[1].shape)
        if inputs.count == 3 {
            try KernelCheck.require(inputs[2].count == g.heads, node, "logit scale must hold one value per head (\(g.heads)), holds \(inputs[2].count)")
            let ls = inputs[2].floatArray()
            g.cosineScale = ls.map { VectorMath.exp(min($0, Self.maxLogitScale)) }
        }
        let n = x.shape[0], t = x.shape[1], d = g.width
        let out = try KernelAllocation.tensor(node, .f32, [n, t, d], zeroed: false)
        let windows = (g.gh / g.wh) * (g.gw / g.ww)
        let jobs = try KernelAllocation.product(node, [n, windows], role: "windows")
        try KernelAllocation.reserve(node, g.area * (g.area + 2 + 2 * d / g.heads) * max(1, context.threads), elementBytes: 4, role: "window scratch")
        let src = x.floats, table = inputs[1].floats, y = out.mutableFloats
        let bias = SwinWindows.biasIndex(window: [g.wh, g.ww])
        let order = SwinWindows.order(grid: [g.gh, g.gw], window: [g.wh, g.ww], shift: [g.sh, g.sw])
        context.parallelFor(jobs) { range in
            var scores = [Float](repeating: 0, count: g.area)
            var unit = [Float](repeating: 0, count: g.cosineScale == nil ? 0 : 2 * g.area * (d / g.heads))
            for job in range {
                let b = job / windows, w = job % windows
                let tokens = Array(order.tokens[(w * g.area)..<((w + 1) * g.area)])
                let regions = Array(order.regions[(w * g.area)..<((w + 1) * g.area)])
                Self.attend(g, batch: b * t, tokens: tokens, regions: regions, bias: bias, table: table, src: src, y: y, scores: &scores,
                            unit: &unit)
            }
        }
        return [out]
    }

    /// Every head of one window: reads q, k, v rows of its tokens from `src` and writes their outputs.
    static func attend(_ g: Geometry, batch: Int, tokens: [Int], regions: [Int], bias: [Int], table: UnsafePointer<Float>,
                       src: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, scores: inout [Float], unit: inout [Float]) {
        let d = g.width, dh = d / g.heads, ld = 3 * d
        let shifted = g.sh > 0 || g.sw > 0
        for h in 0..<g.heads {
            let scale = g.cosineScale?[h] ?? 1 / Float(dh).squareRoot()
            if g.cosineScale != nil {
                // q and k rows of this head scaled to unit length: unit[0..<area·dh] q, then k
                for i in 0..<(2 * g.area) {
                    let v = src + (batch + tokens[i % g.area]) * ld + (i / g.area) * d + h * dh
                    var ss: Float = 0
                    for e in 0..<dh { ss += v[e] * v[e] }
                    let norm = max(ss.squareRoot(), 1e-12)
                    for e in 0..<dh { unit[i * dh + e] = v[e] / norm }
                }
            }
            for i in 0..<g.area {
                var m = -Float.infinity
                for j in 0..<g.area {
                    var dot: Float = 0
                    if g.cosineScale != nil {
                        unit.withUnsafeBufferPointer { u in
                            let qu = u.baseAddress! + i * dh, ku = u.baseAddress! + (g.area + j) * dh
                            for e in 0..<dh { dot += qu[e] * ku[e] }
                        }
                    } else {
                        let q = src + (batch + tokens[i]) * ld + h * dh, k = src + (batch + tokens[j]) * ld + d + h * dh
                        for e in 0..<dh { dot += q[e] * k[e] }
                    }
                    var s = dot * scale + table[bias[i * g.area + j] * g.heads + h]
                    if shifted && regions[i] != regions[j] { s += maskValue }
                    scores[j] = s
                    m = max(m, s)
                }
                var sum: Float = 0
                for j in 0..<g.area { scores[j] = VectorMath.exp(scores[j] - m); sum += scores[j] }
                let o = y + (batch + tokens[i]) * d + h * dh
                for e in 0..<dh { o[e] = 0 }
                for j in 0..<g.area {
                    let v = src + (batch + tokens[j]) * ld + 2 * d + h * dh, p = scores[j] / sum
                    for e in 0..<dh { o[e] += p * v[e] }
                }
            }
        }
    }
}
