internal import CFloatGEMM
#if canImport(Glibc)
import Glibc
#endif

/// Multi-head self-attention core: `Attention(qkv[N,T,3D]) {num_heads}` (timm's packed layout:
/// q, k, v each D wide, heads contiguous inside each) or `Attention(q[N,T,D], k[N,T,D], v[N,T,D])`.
///
/// Per batch item and head: `softmax(scale·Q·Kᵀ)·V` with `scale = attribute "scale"` or `1/sqrt(D/heads)`,
/// softmax subtracting the row max. Output `[N,T,D]` with heads concatenated, ready for the projection.
/// GEMMs on vitopt's packed fp32 kernels (OpenBLAS under `VITOPT_SGEMM=openblas`); (batch, head)
/// pairs run in parallel on the context's threads.
struct AttentionKernel: OpKernel {
    let kind = OpKind.attention

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        guard inputs.count == 1 || inputs.count == 3 else {
            throw GraphError.arity(node: node.name, op: kind, expected: "1 (packed qkv) or 3 (q, k, v)", got: inputs.count)
        }
        try KernelCheck.floats(node, inputs)
        guard let heads = node.int("num_heads"), heads > 0 else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        for i in inputs { try KernelCheck.rank(node, i, 3) }
        let width = try KernelCheck.fixed(node, inputs[0], axis: 2)
        let d = inputs.count == 1 ? width / 3 : width
        try KernelCheck.require(inputs.count == 3 || width % 3 == 0, node, "packed qkv width \(width) is not a multiple of 3")
        try KernelCheck.require(d % heads == 0, node, "width \(d) is not divisible by \(heads) heads")
        if inputs.count == 3 {
            try KernelCheck.require(inputs[1].shape == inputs[0].shape && inputs[2].shape == inputs[0].shape, node,
                                    "q, k, v shapes differ: \(inputs.map { $0.shape.shapeDescription })")
        }
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], inputs[0].shape[1], .fixed(d)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        guard let heads = node.int("num_heads"), heads > 0 else { throw GraphError.missingAttribute(node: node.name, name: "num_heads") }
        return [try Self.attend(node, inputs, heads: heads, context: context)]
    }

    /// Every (batch, head) pair of `qkv` (packed `[N,T,3D]`, or q, k, v `[N,T,D]`) on the context's
    /// threads, into a new `[N,T,D]`. With `bias` (`[heads, T, T]` floats, shape checked by the caller)
    /// each head's scaled scores get its plane added before the softmax (`BiasedAttentionKernel.head`);
    /// without, the packed or OpenBLAS composition below.
    static func attend(_ node: Node, _ qkv: [Tensor], heads: Int, context: ExecutionContext,
                       bias: UnsafePointer<Float>? = nil) throws -> Tensor {
        let n = qkv[0].shape[0], t = qkv[0].shape[1]
        let packed = qkv.count == 1
        let d = packed ? qkv[0].shape[2] / 3 : qkv[0].shape[2]
        let dh = d / heads
        let scale = node.float("scale") ?? 1 / Float(dh).squareRoot()
        let ld = packed ? 3 * d : d
        let q = qkv[0].floats
        let k = packed ? q + d : qkv[1].floats
        let v = packed ? q + 2 * d : qkv[2].floats
        let out = try KernelAllocation.tensor(node, .f32, [n, t, d], zeroed: false)
        let y = out.mutableFloats
        let pairs = n * heads
        let workers = max(1, min(context.threads, pairs))
        let perWorker = (pairs + workers - 1) / workers
        let path = FloatGEMM.selectedPath
        let scratch = try Self.scratch(node, tokens: t, headDim: dh, workers: workers, path: path)
        let perScratch = scratch.floatsPerWorker
        let base = scratch.storage.base.assumingMemoryBound(to: Float.self)
        ExecutionContext(threads: workers).parallelFor(workers) { range in
            for w in range {
                let pairRange = (w * perWorker)..<min(pairs, (w + 1) * perWorker)
                let s = base + w * perScratch
                if let bias {
                    for pair in pairRange {
                        BiasedAttentionKernel.head(pair, heads: heads, t: t, d: d, dh: dh, ld: ld, scale: scale, q: q, k: k, v: v,
                                                   bias: bias, y: y, path: path, scratch: s)
                    }
                } else if let path {
                    Self.headsPacked(pairRange, heads: heads, t: t, d: d, dh: dh, ld: ld, scale: scale, q: q, k: k, v: v, y: y,
                                     path: path, scratch: s)
                } else {
                    Self.headsBLAS(pairRange, heads: heads, t: t, d: d, dh: dh, ld: ld, scale: scale, q: q, k: k, v: v, y: y, scores: s)
                }
            }
        }
        withExtendedLifetime(scratch.storage) {}
        return out
    }

    /// Sequences longer than this are refused: the packed GEMM and the fused C kernel index the
    /// T×T score matrix with 32-bit integers.
    static let maxTokens = 46_340

    /// One 64-byte-aligned block holding every worker's scratch (the T×T scores, K and V packed per
    /// head, the A-packing buffer), allocated before the threads start so that a size the memory
    /// cannot hold is a typed error naming the node.
    static func scratch(_ node: Node, tokens t: Int, headDim dh: Int, workers: Int,
                        path: FloatGEMM.Path?) throws -> (storage: TensorStorage, floatsPerWorker: Int) {
        guard t <= maxTokens else {
            throw GraphError.shapeMismatch(node: node.name, detail: "\(t) tokens exceed the attention kernel's limit of \(maxTokens)")
        }
        let perWorker = scratchCount(tokens: t, headDim: dh, path: path)
        let what = "attention scores for node '\(node.name)' (\(workers) thread(s) × \(t)·\(t) floats and packed heads)"
        let total = try KernelAllocation.product(node, [perWorker, workers, MemoryLayout<Float>.size], role: "attention scratch")
        return (try TensorStorage(allocating: total, for: what, zeroed: false), perWorker)
    }

    /// Floats of one worker's scratch for `t` tokens (at most `maxTokens`) of `dh` dimensions per head:
    /// the T×T scores and, on vitopt's GEMM `path`, K and V packed per head and the A-packing buffer,
    /// each starting on a 16-float boundary (the packed panels are read with aligned loads).
    static func scratchCount(tokens t: Int, headDim dh: Int, path: FloatGEMM.Path?) -> Int {
        func rounded(_ n: Int) -> Int { (n + 15) / 16 * 16 }
        guard let path else { return rounded(t * t) }
        let aScratch = max(FloatGEMM.aScratchCount(path: path, m: t, k: dh), FloatGEMM.aScratchCount(path: path, m: t, k: t))
        let sizes = [t * t, FloatGEMM.packedCount(n: t, k: dh), FloatGEMM.packedCount(n: dh, k: t), aScratch].map(rounded)
        return rounded(max(sizes.reduce(0, +), Int(vitopt_attention_scratch_size(Int32(t), Int32(dh)))))
    }

    /// OpenBLAS: `S = scale·Q·Kᵀ`, softmax, `O = S·V` per (batch, head) pair (`VITOPT_SGEMM=openblas`);
    /// `scores` holds t·t floats.
    static func headsBLAS(_ pairs: Range<Int>, heads: Int, t: Int, d: Int, dh: Int, ld: Int, scale: Float,
                          q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                          scores s: UnsafeMutablePointer<Float>) {
        for pair in pairs {
            let b = pair / heads, h = pair % heads
            let off = b * t * ld + h * dh
            BLAS.sgemm(transB: true, m: t, n: t, k: dh, alpha: scale, a: q + off, lda: ld, b: k + off, ldb: ld, c: s, ldc: t)
            Softmax.rows(s, rows: t, width: t)
            BLAS.sgemm(m: t, n: dh, k: t, a: s, lda: t, b: v + off, ldb: ld, c: y + b * t * d + h * dh, ldc: d)
        }
    }

    /// vitopt's packed fp32 GEMM: K and V are packed per head (K as a Linear weight, V k-major), the
    /// scores are `(Q·Kᵀ)·scale` (one multiply per score after the fma chain), softmax, then `P·V`
    /// written straight into the head's columns of the output. On AVX-512 the whole head runs in C
    /// query tile by query tile (`vitopt_attention_head`, bit-identical to this composition).
    /// `scratch` holds `scratchCount(tokens: t, headDim: dh, path: path)` floats, 64-byte aligned.
    static func headsPacked(_ pairs: Range<Int>, heads: Int, t: Int, d: Int, dh: Int, ld: Int, scale: Float,
                            q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                            y: UnsafeMutablePointer<Float>, path: FloatGEMM.Path, scratch s: UnsafeMutablePointer<Float>,
                            fused: Bool = true) {
        func rounded(_ n: Int) -> Int { (n + 15) / 16 * 16 }
        let pk = s + rounded(t * t), pv = pk + rounded(FloatGEMM.packedCount(n: t, k: dh))
        let aScratch = pv + rounded(FloatGEMM.packedCount(n: dh, k: t))
        for pair in pairs {
            let b = pair / heads, h = pair % heads
            let off = b * t * ld + h * dh
            let out = y + b * t * d + h * dh
            if fused, vitopt_attention_head(Int32(path.rawValue), Int32(t), Int32(dh), q + off, k + off, v + off, Int32(ld), scale,
                                            out, Int32(d), s) != 0 {
                continue
            }
            FloatGEMM.pack(k + off, n: t, k: dh, ldw: ld, into: pk)
            FloatGEMM.multiply(q + off, m: t, k: dh, lda: ld, packed: pk, n: t, into: s, ldc: t, path: path, aScratch: aScratch)
            Softmax.rows(s, rows: t, width: t, scale: scale)
            FloatGEMM.packKMajor(v + off, n: dh, k: t, ldb: ld, into: pv)
            FloatGEMM.multiply(s, m: t, k: t, lda: t, packed: pv, n: dh, into: out, ldc: d, path: path, aScratch: aScratch)
        }
    }
}
