/// `MatMul(a, b)` with NumPy semantics: 1-D operands are promoted (and the added axis removed),
/// leading batch axes broadcast. fp32 through OpenBLAS `sgemm`; a 2-D `b` multiplies all of `a`'s
/// rows in one call. Accumulation order is OpenBLAS's (agrees with ONNX Runtime to ≈1e-6 relative).
struct MatMulKernel: OpKernel {
    let kind = "MatMul"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        var a = inputs[0].shape, b = inputs[1].shape
        try KernelCheck.require(!a.isEmpty && !b.isEmpty, node, "MatMul of a scalar")
        let va = a.count == 1, vb = b.count == 1
        if va { a = [.fixed(1)] + a }
        if vb { b = b + [.fixed(1)] }
        try KernelCheck.require(a[a.count - 1] == b[b.count - 2], node, "inner dimensions differ: \(inputs[0].shape.shapeDescription) × \(inputs[1].shape.shapeDescription)")
        var out = try SymbolicShape.broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)), node: node) + [a[a.count - 2], b[b.count - 1]]
        if va { out.remove(at: out.count - 2) }
        if vb { out.removeLast() }
        return [ValueInfo(name: "", shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        var a = inputs[0].asF32(), b = inputs[1].asF32()
        let outShape = try inferShapes(node: node, inputs: [a, b].map { ValueInfo(name: "", shape: $0.shape.map { .fixed($0) }) })[0].shape.map { $0.value ?? 0 }
        if a.rank == 1 { a = a.reshaped([1] + a.shape) }
        if b.rank == 1 { b = b.reshaped(b.shape + [1]) }
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let out = try KernelAllocation.tensor(node, .f32, outShape)
        if b.rank == 2 {
            BLAS.sgemm(m: a.count / k, n: n, k: k, a: a.floats, lda: k, b: b.floats, ldb: n, c: out.mutableFloats, ldc: n)
            return [out]
        }
        let batch = Broadcast.shape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        let sa = Broadcast.strides(Array(a.shape.dropLast(2)), into: batch), sb = Broadcast.strides(Array(b.shape.dropLast(2)), into: batch)
        let count = batch.reduce(1, *)
        let bs = TensorIndexing.strides(batch)
        let pa = a.floats, pb = b.floats, pc = out.mutableFloats
        let workers = min(context.threads, count)
        // OpenBLAS stays single-threaded (the executor set it so for the whole run): changing its global thread
        // count here changed every later OpenBLAS call in the process, including other runs' (its single-threaded
        // small-matrix kernels round differently from its threaded ones).
        ExecutionContext(threads: workers).parallelFor(count) { range in
            for i in range {
                var oa = 0, ob = 0, rest = i
                for d in 0..<batch.count { let idx = rest / bs[d]; rest %= bs[d]; oa += idx * sa[d]; ob += idx * sb[d] }
                BLAS.sgemm(m: m, n: n, k: k, a: pa + oa * m * k, lda: k, b: pb + ob * k * n, ldb: n, c: pc + i * m * n, ldc: n)
            }
        }
        return [out]
    }
}

/// `Gemm(a, b, c?) {alpha = 1, beta = 1, transA = 0, transB = 0}`: `alpha·op(a)·op(b) + beta·c`,
/// `c` broadcast to [M, N]. fp32 through OpenBLAS.
struct GemmKernel: OpKernel {
    let kind = "Gemm"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.rank(node, inputs[0], 2)
        try KernelCheck.rank(node, inputs[1], 2)
        let ta = node.int("transA") == 1, tb = node.int("transB") == 1
        let a = inputs[0].shape, b = inputs[1].shape
        let (m, ka) = ta ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = tb ? (b[1], b[0]) : (b[0], b[1])
        try KernelCheck.require(ka == kb, node, "inner dimensions differ: \(a.shapeDescription) × \(b.shapeDescription)")
        if inputs.count == 3 { _ = try SymbolicShape.broadcast(inputs[2].shape, [m, n], node: node) }
        return [ValueInfo(name: "", shape: [m, n])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let a = inputs[0].asF32(), b = inputs[1].asF32()
        let ta = node.int("transA") == 1, tb = node.int("transB") == 1
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1], n = tb ? b.shape[0] : b.shape[1]
        let alpha = node.float("alpha") ?? 1, beta = node.float("beta") ?? 1
        let out = try KernelAllocation.tensor(node, .f32, [m, n])
        var betaEff: Float = 0
        if inputs.count == 3 {
            let c = try TensorIndexing.broadcast(inputs[2].asF32(), to: [m, n], node: node)
            out.mutableFloats.update(from: c.floats, count: m * n)
            betaEff = beta
        }
        BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, a: a.floats, lda: a.shape[1], b: b.floats, ldb: b.shape[1],
                   beta: betaEff, c: out.mutableFloats, ldc: n)
        return [out]
    }
}

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
