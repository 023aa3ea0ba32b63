/// `PatchEmbed(x[N,C,H,W], weight[D,C,Ph,Pw], bias[D]?) -> [N, (H/Ph)·(W/Pw), D]`.
///
/// A stride-equals-kernel convolution computed as one GEMM over the patch matrix; the output is
/// already flattened to tokens in row-major grid order (rows = height), as timm's `flatten(2).transpose(1, 2)`.
/// Summation order is OpenBLAS's, so results match PyTorch's conv to fp32 rounding (≈1e-6 relative).
struct PatchEmbedKernel: OpKernel {
    let kind = OpKind.patchEmbed

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0], w = inputs[1]
        try KernelCheck.rank(node, x, 4)
        try KernelCheck.rank(node, w, 4)
        let c = try KernelCheck.fixed(node, x, axis: 1), h = try KernelCheck.fixed(node, x, axis: 2), wd = try KernelCheck.fixed(node, x, axis: 3)
        let d = try KernelCheck.fixed(node, w, axis: 0), wc = try KernelCheck.fixed(node, w, axis: 1)
        let ph = try KernelCheck.fixed(node, w, axis: 2), pw = try KernelCheck.fixed(node, w, axis: 3)
        try KernelCheck.require(c == wc, node, "input has \(c) channels, weight expects \(wc)")
        try KernelCheck.require(ph > 0 && pw > 0, node, "patch size \(ph)×\(pw) must be positive")
        try KernelCheck.require(h % ph == 0 && wd % pw == 0 && h >= ph && wd >= pw, node,
                                "image \(h)×\(wd) is not a multiple of the patch size \(ph)×\(pw)")
        if inputs.count == 3 {
            try KernelCheck.require(inputs[2].shape == [.fixed(d)], node, "bias must be [\(d)], is \(inputs[2].shape.shapeDescription)")
        }
        let tokens = try KernelCheck.product(node, [h / ph, wd / pw], "patch grid")
        return [ValueInfo(name: "", shape: [x.shape[0], .fixed(tokens), .fixed(d)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], w = inputs[1]
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (d, ph, pw) = (w.shape[0], w.shape[2], w.shape[3])
        let gh = h / ph, gw = wd / pw, tokens = gh * gw, kdim = c * ph * pw
        let patches = try KernelAllocation.tensor(node, .f32, [try KernelAllocation.product(node, [n, tokens], role: "patch rows"), kdim],
                                                  zeroed: false, role: "patch matrix")
        Self.im2col(x.floats, n: n, channels: c, height: h, width: wd, patch: (ph, pw), into: patches.mutableFloats, context: context)
        let out = try KernelAllocation.tensor(node, .f32, [n, tokens, d])
        BLAS.linear(patches.floats, rows: n * tokens, k: kdim, weight: w.floats, n: d, bias: inputs.count == 3 ? inputs[2].floats : nil,
                    into: out.mutableFloats, context: context)
        return [out]
    }

    /// Gathers non-overlapping `patch` tiles of `x[N,C,H,W]` into rows of `dst[N·gh·gw, C·ph·pw]`
    /// (grid rows first; within a row channel, then tile row, then tile column — the conv weight's order).
    static func im2col(_ src: UnsafePointer<Float>, n: Int, channels c: Int, height h: Int, width wd: Int, patch: (Int, Int),
                       into dst: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        let (ph, pw) = patch
        let gh = h / ph, gw = wd / pw, tokens = gh * gw, kdim = c * ph * pw
        context.parallelFor(n * gh) { range in
            for rowIndex in range {
                let b = rowIndex / gh, gy = rowIndex % gh
                for gx in 0..<gw {
                    let row = dst + ((b * tokens) + gy * gw + gx) * kdim
                    var col = 0
                    for ch in 0..<c {
                        for ky in 0..<ph {
                            let line = src + ((b * c + ch) * h + gy * ph + ky) * wd + gx * pw
                            for kx in 0..<pw { row[col + kx] = line[kx] }
                            col += pw
                        }
                    }
                }
            }
        }
    }
}
