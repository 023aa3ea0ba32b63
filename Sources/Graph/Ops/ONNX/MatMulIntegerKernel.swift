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
