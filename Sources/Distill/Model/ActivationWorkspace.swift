import Graph

/// Every activation the backward pass needs, plus the gradient scratch, for one batch size —
/// allocated once and reused for every step of that size (the plan is fixed by the config:
/// nothing is allocated per step). Sizes for batch N, S tokens, width D, MLP width M, heads H:
/// per block 6·N·S·D + 2·N·S·M + N·H·S² floats (+ 2·N·S·D with LayerScale), plus the embedding,
/// head and gradient buffers (+ 2·H·S² with a relative position bias: the expanded bias and its gradient). For a forward-only model (`keepsActivations` false: a teacher) one
/// block's buffers serve every block, the residual stream ping-pongs between two, and there are no
/// gradient buffers.
final class ActivationWorkspace {
    let batch: Int
    let rows: Int
    let keepsActivations: Bool
    /// im2col patch matrix `[N·P, C·ph·pw]` and the patch projection `[N·P, D]`.
    let patches: Tensor, patchOut: Tensor
    /// Residual stream entering each block, and after the attention residual: `[N·S, D]` each.
    let xIn: [Tensor], xMid: [Tensor]
    /// Per block: LayerNorm outputs, packed qkv, attention probabilities `[N·H, S, S]`, attention output,
    /// and the MLP: `fc1` holds the activation's derivative after the forward (`ActivationGrad.forward`;
    /// for SwiGLU its input `[N·S, 2M]`), `act` its output.
    let ln1: [Tensor], qkv: [Tensor], probs: [Tensor], attnOut: [Tensor], ln2: [Tensor], fc1: [Tensor], act: [Tensor]
    /// LayerScale only: each branch's output before the scale (`proj` and `fc2`), `[N·S, D]`.
    let attnBranch: [Tensor], mlpBranch: [Tensor]
    /// With `norm_pre`: the embedded tokens before that norm, `[N·S, D]` (else a 1-element placeholder).
    let embedded: Tensor
    /// Stream after the last block, the final norm's output, pooled features (before `fc_norm` in
    /// `pooledRaw` when the model has one) and logits.
    let xOut: Tensor, normed: Tensor, pooledRaw: Tensor, pooled: Tensor, pooledDist: Tensor, logits: Tensor, logitsDist: Tensor
    // Gradient scratch.
    let dx: Tensor, dLn: Tensor, dqkv: Tensor, dHidden: Tensor, dPooled: Tensor, dPooledRaw: Tensor, dAttn: Tensor, dPatch: Tensor
    let dBranch: Tensor
    /// SwiGLU only: ∂loss/∂fc1 `[N·S, 2M]` (else a 1-element placeholder).
    let dFc1: Tensor
    /// Attention pooling (`map`) only: the pooling head's buffers.
    let mapPool: MapPoolBuffers?
    /// HF pooler only: ∂loss/∂(the pooler's dense output) `[N, D]` (else a 1-element placeholder).
    let dPoolerDense: Tensor
    /// LayerNorm backward's per-block partial sums.
    let lnScratch: Tensor
    /// Relative position bias only (BEiT): the block's table expanded to `[H, S, S]`, and its gradient
    /// summed over the batch (else 1-element placeholders).
    let relativeBias: Tensor, dRelativeBias: Tensor
    /// Relative position bias only: the table row of every (query, key) token pair, `[S·S]` row-major
    /// (`ViTRelativePositionBias.index`, computed once from the grid; else empty).
    let relativeIndex: [Int32]

    /// - Throws: `TensorError` naming the batch size when a buffer does not fit in memory (every
    ///   buffer is zero-filled as it is made, so each budget check sees the ones before it).
    init(config c: ViTConfig, batch n: Int, threads: Int, keepsActivations keep: Bool = true) throws {
        let s = c.numPrefixTokens + c.numPatches, d = c.embedDim, m = c.mlpHidden, r = n * s, pw = c.pooledWidth
        func z(_ shape: [Int]) throws -> Tensor { try Tensor(zeros: .f32, shape: shape, for: "training activations \(shape) for batch \(n)") }
        func blocks(_ shape: [Int], _ used: Bool = true) throws -> [Tensor] {
            used ? try (0..<(keep ? c.depth : 1)).map { _ in try z(shape) } : []
        }
        func grad(_ shape: [Int]) throws -> Tensor { keep ? try z(shape) : try z([1]) }
        batch = n
        rows = r
        keepsActivations = keep
        patches = try z([n * c.numPatches, c.channels * c.patchSize[0] * c.patchSize[1]])
        patchOut = try z([n * c.numPatches, d])
        xIn = keep ? try blocks([r, d]) : [try z([r, d]), try z([r, d])]; xMid = try blocks([r, d]); ln1 = try blocks([r, d]); qkv = try blocks([r, 3 * d])
        probs = try blocks([n * c.numHeads, s, s]); attnOut = try blocks([r, d]); ln2 = try blocks([r, d]); fc1 = try blocks([r, c.fc1Rows]); act = try blocks([r, m])
        attnBranch = try blocks([r, d], c.layerScale); mlpBranch = try blocks([r, d], c.layerScale)
        embedded = c.normPre ? try z([r, d]) : try z([1])
        xOut = try z([r, d]); normed = c.finalNorm ? try z([r, d]) : xOut
        pooled = try z([n, pw]); pooledRaw = c.fcNorm ? try z([n, pw]) : pooled
        pooledDist = try z([n, d]); logits = try z([n, TrainableViT.outputWidth(c)]); logitsDist = try z([n, c.numClasses])
        dx = try grad([r, d]); dLn = try grad([r, d]); dqkv = try grad([r, 3 * d]); dHidden = try grad([r, m]); dPooled = try grad([n, pw])
        dPooledRaw = c.fcNorm ? try grad([n, pw]) : dPooled
        dAttn = try z([AttentionGrad.scratchCount(AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads), threads: threads)])
        dPatch = try grad([n * c.numPatches, d])
        dBranch = c.layerScale ? try grad([r, d]) : try z([1])
        dFc1 = c.mlpActivation == .swiglu ? try grad([r, c.fc1Rows]) : try z([1])
        mapPool = c.pooling == .map ? try MapPoolBuffers(config: c, batch: n, keepsActivations: keep) : nil
        dPoolerDense = c.pooler ? try grad([n, d]) : try z([1])
        lnScratch = try grad([LayerNormGrad.scratchCount(rows: r, width: d)])
        let biased = c.relativeBias != .absent
        relativeBias = biased ? try z([c.numHeads, s, s]) : try z([1])
        dRelativeBias = biased ? try grad([c.numHeads, s, s]) : try z([1])
        relativeIndex = biased ? ViTRelativePositionBias.index(grid: c.gridSize) : []
    }

    /// Index of block `b`'s buffers in the per-block arrays.
    @inline(__always) func slot(_ b: Int) -> Int { keepsActivations ? b : 0 }

    /// The residual stream entering block `b`.
    @inline(__always) func stream(_ b: Int) -> Tensor { keepsActivations ? xIn[b] : xIn[b % 2] }

    /// Bytes held by this workspace.
    var byteCount: Int {
        var all = [patches, patchOut, xOut, pooled, pooledDist, logits, logitsDist, dx, dLn, dqkv, dHidden, dPooled, dAttn, dPatch,
                   dBranch, lnScratch, embedded, dFc1, dPoolerDense, relativeBias, dRelativeBias]
        if normed.storage !== xOut.storage { all.append(normed) }
        if pooledRaw.storage !== pooled.storage { all.append(pooledRaw) }
        if dPooledRaw.storage !== dPooled.storage { all.append(dPooledRaw) }
        all += xIn + xMid + ln1 + qkv + probs + attnOut + ln2 + fc1 + act + attnBranch + mlpBranch
        return all.reduce(0) { $0 + $1.byteCount } + (mapPool?.byteCount ?? 0)
    }
}
