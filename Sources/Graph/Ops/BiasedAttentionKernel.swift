/// Multi-head self-attention with an additive score bias (BEiT's relative position bias):
/// `BiasedAttention(qkv[N,T,3D], bias[H,T,T]) {num_heads}` or `BiasedAttention(q, k, v, bias)`.
///
/// Per batch item and head: `softmax(scale·Q·Kᵀ + bias[h])·V` with `scale = 1/sqrt(D/heads)` (or
/// attribute `"scale"`), the bias broadcast over the batch. The scores are `(Q·Kᵀ)·scale` (one
/// multiply per score after the GEMM's fma chain) then one add of the bias, then
/// `Softmax.rows`; the same fp32 operations on every GEMM path as `AttentionKernel`'s unfused
/// composition, with the add between. Output `[N,T,D]`, heads concatenated.
struct BiasedAttentionKernel: OpKernel {
    let kind = OpKind.biasedAttention

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        guard inputs.count == 2 || inputs.count == 4 else {
            throw GraphError.arity(node: node.name, op: kind, expected: "2 (packed qkv, bias) or 4 (q, k, v, bias)", got: inputs.count)
        }
        let attention = try AttentionKernel().inferShapes(node: node, inputs: Array(inputs.dropLast()))
        guard let heads = node.int("num_heads") else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        let bias = inputs[inputs.count - 1]
        try KernelCheck.rank(node, bias, 3)
        let t = inputs[0].shape[1]
        try KernelCheck.require(bias.shape[0] == .fixed(heads) && bias.shape[1] == t && bias.shape[2] == t, node,
                                "the attention bias must be [\(heads), T, T] for \(inputs[0].shape.shapeDescription), is \(bias.shape.shapeDescription)")
        return attention
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        guard let heads = node.int("num_heads"), heads > 0 else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        let bias = inputs[inputs.count - 1]
        let qkv = Array(inputs.dropLast())
        let t = qkv[0].shape[1]
        guard bias.shape == [heads, t, t] else {
            throw GraphError.shapeMismatch(node: node.name, detail: "the attention bias is \(bias.shape), needs [\(heads), \(t), \(t)]")
        }
        return [try AttentionKernel.attend(node, qkv, heads: heads, context: context, bias: bias.floats)]
    }

    /// One (batch, head) pair: scores into the first `t·t` floats of `scratch`, scaled and biased,
    /// softmax, then `P·V` into the head's output columns (vitopt's packed GEMM, or OpenBLAS when
    /// `path` is `nil`).
    static func head(_ pair: Int, heads: Int, t: Int, d: Int, dh: Int, ld: Int, scale: Float,
                     q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                     y: UnsafeMutablePointer<Float>, path: FloatGEMM.Path?, scratch s: UnsafeMutablePointer<Float>) {
        func rounded(_ n: Int) -> Int { (n + 15) / 16 * 16 }
        let b = pair / heads, h = pair % heads
        let off = b * t * ld + h * dh
        let out = y + b * t * d + h * dh
        let plane = bias + h * t * t
        guard let path else {
            BLAS.sgemm(transB: true, m: t, n: t, k: dh, alpha: 1, a: q + off, lda: ld, b: k + off, ldb: ld, c: s, ldc: t)
            addScaled(s, plane, t * t, scale)
            Softmax.rows(s, rows: t, width: t)
            BLAS.sgemm(m: t, n: dh, k: t, a: s, lda: t, b: v + off, ldb: ld, c: out, ldc: d)
            return
        }
        let pk = s + rounded(t * t), pv = pk + rounded(FloatGEMM.packedCount(n: t, k: dh))
        let aScratch = pv + rounded(FloatGEMM.packedCount(n: dh, k: t))
        FloatGEMM.pack(k + off, n: t, k: dh, ldw: ld, into: pk)
        FloatGEMM.multiply(q + off, m: t, k: dh, lda: ld, packed: pk, n: t, into: s, ldc: t, path: path, aScratch: aScratch)
        addScaled(s, plane, t * t, scale)
        Softmax.rows(s, rows: t, width: t)
        FloatGEMM.packKMajor(v + off, n: dh, k: t, ldb: ld, into: pv)
        FloatGEMM.multiply(s, m: t, k: t, lda: t, packed: pv, n: dh, into: out, ldc: d, path: path, aScratch: aScratch)
    }

    /// `s[i] = s[i]·scale + bias[i]` (two roundings, as PyTorch's eager `attn * scale + mask`).
    static func addScaled(_ s: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, _ count: Int, _ scale: Float) {
        for i in 0..<count { s[i] = s[i] * scale + bias[i] }
    }
}
