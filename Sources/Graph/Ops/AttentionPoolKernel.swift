/// `AttentionPool(q[1 or N, L, D], kv[N, T, 2D]) {num_heads}` → `[N, L, D]`: learned queries
/// attending over a token sequence (timm `AttentionPoolLatent`, SigLIP's pooling head).
///
/// `kv` holds the keys in its first `D` columns and the values in the last `D` (timm's `kv`
/// projection; HF's `in_proj` rows `D..<3D`), heads contiguous inside each. Per batch item, head and
/// query: `softmax(q·Kᵀ/√(D/heads))·V`, the softmax subtracting the row maximum, dot products and
/// sums in fp32 in index order. A `q` with batch 1 is shared by every item.
struct AttentionPoolKernel: OpKernel {
    let kind = OpKind.attentionPool

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 3)
        try KernelCheck.rank(node, inputs[1], 3)
        guard let heads = node.int("num_heads"), heads > 0 else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        let d = try KernelCheck.fixed(node, inputs[0], axis: 2)
        let kvWidth = try KernelCheck.fixed(node, inputs[1], axis: 2)
        try KernelCheck.require(kvWidth == 2 * d, node, "kv width \(kvWidth) is not twice the query width \(d)")
        try KernelCheck.require(d % heads == 0, node, "width \(d) is not divisible by \(heads) heads")
        let qBatch = inputs[0].shape[0]
        try KernelCheck.require(qBatch.value == 1 || qBatch == inputs[1].shape[0], node, "query batch must be 1 or the tokens' batch")
        return [ValueInfo(name: "", shape: [inputs[1].shape[0], inputs[0].shape[1], .fixed(d)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        guard let heads = node.int("num_heads"), heads > 0 else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        let q = inputs[0], kv = inputs[1]
        let (qn, l, d) = (q.shape[0], q.shape[1], q.shape[2])
        let (n, t) = (kv.shape[0], kv.shape[1])
        guard kv.shape[2] == 2 * d, d % heads == 0, qn == 1 || qn == n else {
            throw GraphError.shapeMismatch(node: node.name, detail: "query \(q.shape) and kv \(kv.shape) do not fit \(heads) heads")
        }
        let dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        let out = try KernelAllocation.tensor(node, .f32, [n, l, d], zeroed: true)
        let scores = try KernelAllocation.tensor(node, .f32, [max(t, 1)], zeroed: false)
        let qs = q.floats, kvs = kv.floats, y = out.mutableFloats, s = scores.mutableFloats
        for b in 0..<n {
            for i in 0..<l {
                let qrow = qs + ((qn == 1 ? 0 : b) * l + i) * d
                for h in 0..<heads {
                    var top = -Float.infinity
                    for j in 0..<t {
                        let krow = kvs + (b * t + j) * 2 * d + h * dh
                        var dot: Float = 0
                        for e in 0..<dh { dot += qrow[h * dh + e] * krow[e] }
                        s[j] = dot * scale
                        top = max(top, s[j])
                    }
                    var total: Float = 0
                    for j in 0..<t { s[j] = VectorMath.exp(s[j] - top); total += s[j] }
                    let yrow = y + (b * l + i) * d + h * dh
                    for j in 0..<t {
                        let p = s[j] / total
                        let vrow = kvs + (b * t + j) * 2 * d + d + h * dh
                        for e in 0..<dh { yrow[e] += p * vrow[e] }
                    }
                }
            }
        }
        withExtendedLifetime(scores) {}
        return [out]
    }
}
