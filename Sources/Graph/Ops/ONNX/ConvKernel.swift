/// `Conv(x[N,C,H,W], w[M,C/group,kh,kw], b?) {strides, pads, dilations, group}` (2-D only),
/// as im2col + one OpenBLAS GEMM per image and group. `auto_pad` VALID is no padding (explicit pads
/// must then be absent); SAME_UPPER / SAME_LOWER are refused.
struct ConvKernel: OpKernel {
    let kind = "Conv"

    struct Params { var stride: [Int], pads: [Int], dilation: [Int], group: Int }

    func params(_ node: Node) throws -> Params {
        if let ap = node.string("auto_pad"), ap != "NOTSET" {
            guard ap == "VALID" else {
                throw GraphError.unsupported("node '\(node.name)': Conv auto_pad \(ap) is not supported (only VALID and explicit pads)")
            }
            try KernelCheck.require(node.attributes["pads"] == nil, node, "Conv has both auto_pad VALID and pads")
        }
        return Params(stride: SymbolicShape.optionalInts(node, "strides") ?? [1, 1], pads: SymbolicShape.optionalInts(node, "pads") ?? [0, 0, 0, 0],
                      dilation: SymbolicShape.optionalInts(node, "dilations") ?? [1, 1], group: node.int("group") ?? 1)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.require(inputs[0].shape.count == 4 && inputs[1].shape.count == 4, node, "only 2-D convolutions (rank-4 input and weight) are supported")
        let p = try params(node)
        try KernelCheck.require(p.stride.count == 2 && p.pads.count == 4 && p.dilation.count == 2 && p.group >= 1, node, "bad Conv attributes")
        let sane = 0...(1 << 20)
        try KernelCheck.require(p.stride.allSatisfy { $0 >= 1 && sane.contains($0) } && p.dilation.allSatisfy { $0 >= 1 && sane.contains($0) }
                                && p.pads.allSatisfy(sane.contains) && p.group <= (1 << 20), node,
                                "Conv strides \(p.stride), dilations \(p.dilation), pads \(p.pads) and group \(p.group) must be positive (pads ≥ 0) and at most 2^20")
        let c = try KernelCheck.fixed(node, inputs[0], axis: 1), h = try KernelCheck.fixed(node, inputs[0], axis: 2), w = try KernelCheck.fixed(node, inputs[0], axis: 3)
        let wt = try SymbolicShape.fixedAll(node, inputs[1])
        try KernelCheck.require(wt.allSatisfy { sane.contains($0) } && c == wt[1] * p.group && wt[0] % p.group == 0 && wt[2] >= 1 && wt[3] >= 1, node,
                                "input has \(c) channels, weight \(wt) with group \(p.group)")
        let oh = (h + p.pads[0] + p.pads[2] - p.dilation[0] * (wt[2] - 1) - 1) / p.stride[0] + 1
        let ow = (w + p.pads[1] + p.pads[3] - p.dilation[1] * (wt[3] - 1) - 1) / p.stride[1] + 1
        try KernelCheck.require(oh > 0 && ow > 0, node, "output would be empty")
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], .fixed(wt[0]), .fixed(oh), .fixed(ow)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), w = inputs[1].asF32()
        let p = try params(node)
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (m, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let info = try inferShapes(node: node, inputs: [x, w].map { ValueInfo(name: "", shape: $0.shape.map { .fixed($0) }) })[0]
        let oh = info.shape[2].value!, ow = info.shape[3].value!
        let kdim = cg * kh * kw, pixels = oh * ow, mg = m / p.group
        let out = try KernelAllocation.tensor(node, .f32, [n, m, oh, ow])
        let cols = try KernelAllocation.tensor(node, .f32, [kdim, pixels], role: "im2col matrix")
        let col = cols.mutableFloats, src = x.floats, y = out.mutableFloats
        for b in 0..<n {
            for g in 0..<p.group {
                for ci in 0..<cg {
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let row = col + ((ci * kh + ky) * kw + kx) * pixels
                            let plane = src + (b * c + g * cg + ci) * h * wd
                            for oy in 0..<oh {
                                let iy = oy * p.stride[0] - p.pads[0] + ky * p.dilation[0]
                                for ox in 0..<ow {
                                    let ix = ox * p.stride[1] - p.pads[1] + kx * p.dilation[1]
                                    row[oy * ow + ox] = (iy >= 0 && iy < h && ix >= 0 && ix < wd) ? plane[iy * wd + ix] : 0
                                }
                            }
                        }
                    }
                }
                let dst = y + (b * m + g * mg) * pixels
                var beta: Float = 0
                if inputs.count == 3 {
                    inputs[2].withFloats { bias in
                        for o in 0..<mg { for i in 0..<pixels { dst[o * pixels + i] = bias[g * mg + o] } }
                    }
                    beta = 1
                }
                BLAS.sgemm(m: mg, n: pixels, k: kdim, a: w.floats + g * mg * kdim, lda: kdim, b: cols.floats, ldb: pixels, beta: beta, c: dst, ldc: pixels)
            }
        }
        return [out]
    }
}
