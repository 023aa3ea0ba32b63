/// Swin's patch merging gather: `PatchMerging(x[N, Gh·Gw, C]) {grid_h, grid_w}` →
/// `[N, (Gh/2)·(Gw/2), 4C]`, each output token the concatenation of its 2×2 neighbourhood in the
/// order `(2i, 2j), (2i+1, 2j), (2i, 2j+1), (2i+1, 2j+1)` (timm's reshape-permute, transformers'
/// `x0…x3`). The LayerNorm and reduction Linear that follow are separate nodes. Copies only.
struct PatchMergingKernel: OpKernel {
    let kind = OpKind.patchMerging

    static func grid(_ node: Node, tokens: Int) throws -> (Int, Int) {
        guard let gh = node.int("grid_h") else { throw GraphError.missingAttribute(node: node.name, name: "grid_h") }
        guard let gw = node.int("grid_w") else { throw GraphError.missingAttribute(node: node.name, name: "grid_w") }
        let (cells, overflow) = gh.multipliedReportingOverflow(by: gw)
        try KernelCheck.require(gh >= 2 && gw >= 2 && gh % 2 == 0 && gw % 2 == 0 && !overflow && cells == tokens, node,
                                "grid \(gh)×\(gw) must be even and match \(tokens) tokens")
        return (gh, gw)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        let t = try KernelCheck.fixed(node, inputs[0], axis: 1), c = try KernelCheck.fixed(node, inputs[0], axis: 2)
        _ = try Self.grid(node, tokens: t)
        let width = try KernelCheck.product(node, [4, c], "merged width")
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], .fixed(t / 4), .fixed(width)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let (n, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let (gh, gw) = try Self.grid(node, tokens: t)
        let out = try KernelAllocation.tensor(node, .f32, [n, t / 4, 4 * c], zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        let oh = gh / 2, ow = gw / 2
        context.parallelFor(n * oh) { range in
            for row in range {
                let b = row / oh, i = row % oh
                for j in 0..<ow {
                    let o = dst + ((b * oh + i) * ow + j) * 4 * c
                    for (k, (dy, dx)) in [(0, 0), (1, 0), (0, 1), (1, 1)].enumerated() {
                        let s = src + (b * t + (2 * i + dy) * gw + 2 * j + dx) * c
                        (o + k * c).update(from: s, count: c)
                    }
                }
            }
        }
        return [out]
    }
}
