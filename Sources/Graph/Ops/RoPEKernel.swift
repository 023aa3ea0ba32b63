/// `RoPE(x[N,T,C], sin[P,hd], cos[P,hd])` → `[N,T,C]`: rotary position embedding of the tokens
/// `start..<start+P` (the patches; `T == start + P`), applied to each `hd`-wide head chunk of the
/// first `width` columns (`C` by default; `2D` on a packed qkv rotates q and k, not v). Other tokens
/// and columns are copied.
///
/// With `rotate_half = 0` channels `(2i, 2i+1)` rotate together, `rot(x) = [−x1, x0, −x3, x2, …]`;
/// with `rotate_half = 1` channel `i` with `i + hd/2`, `rot(x) = [−x_{hd/2…}, x_{0…hd/2}]`. Each
/// output is `x·cos + rot(x)·sin`: two fp32 products then one add, as PyTorch and the standard
/// ONNX form (`Mul`, `MatMul` by a ±1 permutation, `Mul`, `Add`) compute it, so all agree bit for bit.
struct RoPEKernel: OpKernel {
    let kind = OpKind.rope

    struct Layout {
        let start: Int, width: Int, headDim: Int, rotateHalf: Bool
    }

    func layout(_ node: Node, tokens: Int, channels: Int, table: [Int]) throws -> Layout {
        try KernelCheck.require(table.count == 2, node, "the sine and cosine tables must be [patches, head_dim], are \(table)")
        let (p, hd) = (table[0], table[1])
        let start = node.int("start") ?? 0
        let width = node.int("width") ?? channels
        try KernelCheck.require(start >= 0 && start <= tokens && tokens - start == p, node,
                                "\(tokens) tokens with \(start) unrotated prefix tokens need \(tokens - start) table rows, the tables have \(p) (the grid must match the image size)")
        try KernelCheck.require(hd > 0 && hd % 2 == 0 && width >= 0 && width <= channels && width % hd == 0, node,
                                "rotating \(width) of \(channels) columns in heads of \(hd) (an even width dividing it)")
        return Layout(start: start, width: width, headDim: hd, rotateHalf: (node.int("rotate_half") ?? 0) != 0)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        try KernelCheck.rank(node, inputs[1], 2)
        try KernelCheck.require(inputs[1].shape == inputs[2].shape, node, "sine and cosine tables differ in shape")
        let t = try KernelCheck.fixed(node, inputs[0], axis: 1), c = try KernelCheck.fixed(node, inputs[0], axis: 2)
        let table = [try KernelCheck.fixed(node, inputs[1], axis: 0), try KernelCheck.fixed(node, inputs[1], axis: 1)]
        _ = try layout(node, tokens: t, channels: c, table: table)
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], sinT = inputs[1], cosT = inputs[2]
        guard x.shape.count == 3, sinT.shape.count == 2, sinT.shape == cosT.shape else {
            throw GraphError.shapeMismatch(node: node.name, detail: "RoPE needs x [N,T,C] and two equal [P,hd] tables, has \(x.shape), \(sinT.shape), \(cosT.shape)")
        }
        let (n, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let l = try layout(node, tokens: t, channels: c, table: sinT.shape)
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats, sn = sinT.floats, cs = cosT.floats
        let hd = l.headDim, half = hd / 2
        context.parallelFor(n * t, minChunk: 8) { range in
            for row in range {
                let tok = row % t
                let xr = src + row * c, yr = dst + row * c
                guard tok >= l.start else { yr.update(from: xr, count: c); continue }
                let sr = sn + (tok - l.start) * hd, cr = cs + (tok - l.start) * hd
                var h = 0
                while h < l.width {
                    let xv = xr + h, yv = yr + h
                    for i in 0..<half {
                        // the two channels that rotate together, and rot(x) at each
                        let (a, b) = l.rotateHalf ? (i, i + half) : (2 * i, 2 * i + 1)
                        let pa = xv[a] * cr[a], qa = -xv[b] * sr[a]
                        let pb = xv[b] * cr[b], qb = xv[a] * sr[b]
                        yv[a] = pa + qa
                        yv[b] = pb + qb
                    }
                    h += hd
                }
                if l.width < c { (yr + l.width).update(from: xr + l.width, count: c - l.width) }
            }
        }
        return [out]
    }
}
