/// ONNX's integer operators as ONNX Runtime's dynamic quantizer emits them: `DynamicQuantizeLinear`,
/// `MatMulInteger` and `ConvInteger`. These are the generic reference kernels (exact int32
/// accumulation); Quantize's pattern pass runs the common `DynamicQuantizeLinear → MatMulInteger →
/// Cast → Mul → Add` chain on vitopt's packed int8 GEMM instead.

/// Reads element `i` of an 8-bit integer tensor (U8 or I8) as Int32.
@inline(__always)
func int8Element(_ p: UnsafeRawPointer, _ i: Int, signed: Bool) -> Int32 {
    signed ? Int32(p.load(fromByteOffset: i, as: Int8.self)) : Int32(p.load(fromByteOffset: i, as: UInt8.self))
}

/// Zero points of an optional U8/I8 input: a scalar (or one element) broadcast to `count`, or `count` values.
func zeroPoints(_ t: Tensor?, count: Int, node: Node, what: String) throws -> [Int32] {
    guard let t else { return [Int32](repeating: 0, count: count) }
    try KernelCheck.require(t.dtype == .u8 || t.dtype == .i8, node, "\(what) zero point must be U8 or I8, is \(t.dtype.rawValue)")
    let p = t.rawPointer, signed = t.dtype == .i8
    if t.count == 1 { return [Int32](repeating: int8Element(p, 0, signed: signed), count: count) }
    try KernelCheck.require(t.count == count, node, "\(what) zero point has \(t.count) values, expected 1 or \(count)")
    return (0..<count).map { int8Element(p, $0, signed: signed) }
}

/// `DynamicQuantizeLinear(x) -> (y U8, y_scale F32 [], y_zero_point U8 [])`, exactly as ONNX
/// specifies and ONNX Runtime computes: the range `[min(0, min x), max(0, max x)]`,
/// `scale = (max − min) / 255` (1 when the range is empty), `zp = clamp(round(−min / scale), 0, 255)`,
/// `y = clamp(round(x / scale) + zp, 0, 255)`, rounding half to even, `x / scale` a true division.
struct DynamicQuantizeLinearKernel: OpKernel {
    let kind = "DynamicQuantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "input '\(inputs[0].name)' must be float, is \(inputs[0].dtype.rawValue)")
        return [ValueInfo(name: "", dtype: .u8, shape: inputs[0].shape), ValueInfo(name: "", dtype: .f32, shape: []),
                ValueInfo(name: "", dtype: .u8, shape: [])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), n = x.count, src = x.floats
        var lo: Float = 0, hi: Float = 0
        for i in 0..<n { lo = min(lo, src[i]); hi = max(hi, src[i]) }
        let scale: Float = hi == lo ? 1 : (hi - lo) / 255
        let zp = max(0, min(255, (-lo / scale).rounded(.toNearestOrEven)))
        let y = try KernelAllocation.tensor(node, .u8, x.shape, zeroed: false)
        let dst = y.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        context.parallelFor(n, minChunk: 1 << 14) { r in
            for i in r { dst[i] = UInt8(max(0, min(255, (src[i] / scale).rounded(.toNearestOrEven) + zp))) }
        }
        return [y, Tensor(shape: [], floats: [scale]), IntegerTensor.make([Int(zp)], shape: [], dtype: .u8)]
    }
}

/// `MatMulInteger(a, b, a_zero_point?, b_zero_point?) -> I32`: `Σ_k (a − a_zp)·(b − b_zp)` with NumPy
/// matmul shapes, exact in int32. `a` and `b` are U8 or I8; `b` must be 2-D `[K, N]` (the constant
/// weight of every exporter); `a_zero_point` is a scalar or one per row of a 2-D `a`,
/// `b_zero_point` a scalar or one per column.
struct MatMulIntegerKernel: OpKernel {
    let kind = "MatMulInteger"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...4)
        let a = inputs[0], b = inputs[1]
        for v in [a, b] {
            try KernelCheck.require(v.dtype == .u8 || v.dtype == .i8, node, "'\(v.name)' must be U8 or I8, is \(v.dtype.rawValue)")
        }
        try KernelCheck.require(a.shape.count >= 2, node, "'\(a.name)' must have rank ≥ 2, has shape \(a.shape.shapeDescription)")
        try KernelCheck.rank(node, b, 2)
        try KernelCheck.require(a.shape.last == b.shape[0], node, "inner dimensions differ: \(a.shape.shapeDescription) × \(b.shape.shapeDescription)")
        return [ValueInfo(name: "", dtype: .i32, shape: Array(a.shape.dropLast()) + [b.shape[1]])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let a = inputs[0], b = inputs[1], k = b.shape[0], n = b.shape[1], rows = a.count / max(1, k)
        let az = try zeroPoints(inputs.count > 2 ? inputs[2] : nil, count: rows, node: node, what: "A")
        let bz = try zeroPoints(inputs.count > 3 ? inputs[3] : nil, count: n, node: node, what: "B")
        // B − b_zp once, as int32 [K, N].
        let bp = b.rawPointer, bSigned = b.dtype == .i8
        try KernelAllocation.reserve(node, try KernelAllocation.product(node, [k, n], role: "weights"), elementBytes: 4, role: "int32 weights")
        var bw = [Int32](repeating: 0, count: k * n)
        for kk in 0..<k { for j in 0..<n { bw[kk * n + j] = int8Element(bp, kk * n + j, signed: bSigned) - bz[j] } }
        let out = try KernelAllocation.tensor(node, .i32, Array(a.shape.dropLast()) + [n])
        let dst = out.mutableRawPointer.assumingMemoryBound(to: Int32.self)
        let ap = a.rawPointer, aSigned = a.dtype == .i8
        bw.withUnsafeBufferPointer { wb in
            let w = wb.baseAddress!
            context.parallelFor(rows, minChunk: 4) { range in
                for r in range {
                    let c = dst + r * n
                    for kk in 0..<k {
                        let av = int8Element(ap, r * k + kk, signed: aSigned) - az[r]
                        if av == 0 { continue }
                        let wr = w + kk * n
                        for j in 0..<n { c[j] &+= av &* wr[j] }
                    }
                }
            }
        }
        return [out]
    }
}

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
