/// `ConvInteger(x, w, x_zero_point?, w_zero_point?) {strides, pads, dilations, group}` for 2-D
/// convolutions: `Σ (x − x_zp)·(w − w_zp)` in int32, padding with the zero point (so padded taps add
/// nothing). `w_zero_point` is a scalar or one per output channel.
struct ConvIntegerKernel: OpKernel {
    let kind = "ConvInteger"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...4)
        for v in inputs[0...1] {
            try KernelCheck.require(v.dtype == .u8 || v.dtype == .i8, node, "'\(v.name)' must be U8 or I8, is \(v.dtype.rawValue)")
        }
        var info = try ConvKernel().inferShapes(node: node, inputs: Array(inputs[0...1]))[0]
        info.dtype = .i32
        return [info]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], w = inputs[1]
        let p = try ConvKernel().params(node)
        let info = try inferShapes(node: node, inputs: [x, w].map { ValueInfo(name: "", dtype: $0.dtype, shape: $0.shape.map { .fixed($0) }) })[0]
        let (batch, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (m, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = info.shape[2].value!, ow = info.shape[3].value!
        let xz = try zeroPoints(inputs.count > 2 ? inputs[2] : nil, count: 1, node: node, what: "x")[0]
        let wz = try zeroPoints(inputs.count > 3 ? inputs[3] : nil, count: m, node: node, what: "w")
        let kdim = cg * kh * kw, pixels = oh * ow, mg = m / p.group
        let wp = w.rawPointer, wSigned = w.dtype == .i8, xp = x.rawPointer, xSigned = x.dtype == .i8
        try KernelAllocation.reserve(node, try KernelAllocation.product(node, [m, kdim], role: "weights"), elementBytes: 4, role: "int32 weights")
        var wt = [Int32](repeating: 0, count: m * kdim)
        for o in 0..<m { for i in 0..<kdim { wt[o * kdim + i] = int8Element(wp, o * kdim + i, signed: wSigned) - wz[o] } }
        let out = try KernelAllocation.tensor(node, .i32, [batch, m, oh, ow])
        try KernelAllocation.reserve(node, try KernelAllocation.product(node, [kdim, oh, ow], role: "im2col matrix"), elementBytes: 4,
                                     role: "int32 im2col matrix")
        let dst = out.mutableRawPointer.assumingMemoryBound(to: Int32.self)
        var col = [Int32](repeating: 0, count: kdim * pixels)
        for b in 0..<batch {
            for g in 0..<p.group {
                for ci in 0..<cg {
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let row = ((ci * kh + ky) * kw + kx) * pixels
                            let plane = (b * c + g * cg + ci) * h * wd
                            for oy in 0..<oh {
                                let iy = oy * p.stride[0] - p.pads[0] + ky * p.dilation[0]
                                for ox in 0..<ow {
                                    let ix = ox * p.stride[1] - p.pads[1] + kx * p.dilation[1]
                                    let inside = iy >= 0 && iy < h && ix >= 0 && ix < wd
                                    col[row + oy * ow + ox] = inside ? int8Element(xp, plane + iy * wd + ix, signed: xSigned) - xz : 0
                                }
                            }
                        }
                    }
                }
                col.withUnsafeBufferPointer { cb in
                    wt.withUnsafeBufferPointer { wb in
                        let cp = cb.baseAddress!, wq = wb.baseAddress!
                        // Blocks of 8 output channels share each im2col row while it is in L1.
                        context.parallelFor((mg + 7) / 8, minChunk: 1) { range in
                            for blk in range {
                                let o0 = g * mg + blk * 8, o1 = min(g * mg + mg, o0 + 8)
                                for i in 0..<kdim {
                                    let cr = cp + i * pixels
                                    for oc in o0..<o1 {
                                        let wv = wq[oc * kdim + i]
                                        if wv == 0 { continue }
                                        let d = dst + (b * m + oc) * pixels
                                        for j in 0..<pixels { d[j] &+= wv &* cr[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [out]
    }
}
