import Graph

/// `Int8PatchConv(x F32 [B, C, H, W], packed, weight I8 [M, C·kh·kw], weight_scale F32 [M], bias F32 [M]?)
/// {kernel_shape [kh, kw]} -> F32 [B, M, H/kh, W/kw]`: a convolution whose stride equals its kernel,
/// without padding (a ViT patch embedding), on vitopt's int8 GEMM. `x` is quantized as
/// `DynamicQuantizeLinear` does — one u8 scale and zero point over the whole tensor, half to even —
/// each patch becomes one GEMM row, and the epilogue is `Int8Linear`'s. This is what ONNX Runtime's
/// `DynamicQuantizeLinear → ConvInteger → Cast → Mul → Add` chain computes, with the last two roundings fused.
struct Int8PatchConvKernel: OpKernel {
    static let op = "Int8PatchConv"
    let kind = Int8PatchConvKernel.op

    func kernel(_ node: Node) throws -> (Int, Int) {
        guard case .ints(let k)? = node.attributes["kernel_shape"], k.count == 2, k[0] > 0, k[1] > 0 else {
            throw GraphError.missingAttribute(node: node.name, name: "kernel_shape")
        }
        return (k[0], k[1])
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try Int8Op.arity(node, inputs.count, 4...5)
        let (k, m) = try Int8Op.checkWeights(node, inputs[1...])
        let (kh, kw) = try kernel(node)
        let x = inputs[0]
        guard x.dtype.isFloatingPoint, x.shape.count == 4, let c = x.shape[1].value, let h = x.shape[2].value, let w = x.shape[3].value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "input '\(x.name)' must be float [B, C, H, W] with fixed C, H, W, is \(x.shape.shapeDescription)")
        }
        try Int8Op.require(c * kh * kw == k && h >= kh && w >= kw, node, "weight has \(k) inputs per output, the \(kh)×\(kw) patches of \(c) channels \(c * kh * kw)")
        return [ValueInfo(name: "", shape: [x.shape[0], .fixed(m), .fixed(h / kh), .fixed(w / kw)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), m = inputs[2].shape[0], k = inputs[2].shape[1]
        let (kh, kw) = try kernel(node)
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), oh = h / kh, ow = w / kw, pixels = oh * ow
        let packed = PackedWeights(packed: inputs[1], k: k, n: m)
        let q = QuantizedRows(rows: b * pixels, features: k)
        x.withFloats { f in
            guard let src = f.baseAddress else { return }
            let range = VectorMath.minMax(src, f.count)
            context.parallelFor(b * pixels, minChunk: 16) { rows in
                let tmp = UnsafeMutablePointer<Float>.allocate(capacity: k)
                defer { tmp.deallocate() }
                for r in rows {
                    let n = r / pixels, oy = (r % pixels) / ow, ox = r % ow
                    for ci in 0..<c {
                        for ky in 0..<kh {
                            let line = src + ((n * c + ci) * h + oy * kh + ky) * w + ox * kw
                            for kx in 0..<kw { tmp[(ci * kh + ky) * kw + kx] = line[kx] }
                        }
                    }
                    q.store(row: r, from: tmp, lo: min(range.min, 0), hi: max(range.max, 0))
                }
            }
        }
        let rowsOut = Tensor(zeros: .f32, shape: [b * pixels, m])
        Int8GEMM.run(q, packed, into: rowsOut.mutableFloats, ldc: m, path: try Int8Op.kernelPath(node), context: context)
        // [B, P, M] → [B, M, oh, ow], the convolution's layout.
        let out = Tensor(zeros: .f32, shape: [b, m, oh, ow])
        rowsOut.withFloats { s in
            out.withMutableFloats { d in
                for n in 0..<b { for p in 0..<pixels { for o in 0..<m { d[(n * m + o) * pixels + p] = s[(n * pixels + p) * m + o] } } }
            }
        }
        return [out]
    }
}
