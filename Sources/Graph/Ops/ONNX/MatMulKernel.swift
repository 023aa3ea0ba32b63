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
