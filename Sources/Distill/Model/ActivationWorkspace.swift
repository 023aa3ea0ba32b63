import Graph

/// Every activation the backward pass needs, plus the gradient scratch, for one batch size —
/// allocated once and reused for every step of that size (the plan is fixed by the config:
/// nothing is allocated per step). Sizes for batch N, S tokens, width D, MLP width M, heads H:
/// per block 6·N·S·D + 2·N·S·M + N·H·S² floats (+ 2·N·S·D with LayerScale), plus the embedding,
/// head and gradient buffers. For a forward-only model (`keepsActivations` false: a teacher) one
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
    /// and the MLP: `fc1` holds GELU's derivative after the forward (`GeluGrad.forward`), `act` its output.
    let ln1: [Tensor], qkv: [Tensor], probs: [Tensor], attnOut: [Tensor], ln2: [Tensor], fc1: [Tensor], act: [Tensor]
    /// LayerScale only: each branch's output before the scale (`proj` and `fc2`), `[N·S, D]`.
    let attnBranch: [Tensor], mlpBranch: [Tensor]
    /// Stream after the last block, the final norm's output, pooled features (before `fc_norm` in
    /// `pooledRaw` when the model has one) and logits.
    let xOut: Tensor, normed: Tensor, pooledRaw: Tensor, pooled: Tensor, pooledDist: Tensor, logits: Tensor, logitsDist: Tensor
    // Gradient scratch.
    let dx: Tensor, dLn: Tensor, dqkv: Tensor, dHidden: Tensor, dPooled: Tensor, dPooledRaw: Tensor, dAttn: Tensor, dPatch: Tensor
    let dBranch: Tensor
    /// LayerNorm backward's per-block partial sums.
    let lnScratch: Tensor

    /// - Throws: `TensorError` naming the batch size when a buffer does not fit in memory (every
    ///   buffer is zero-filled as it is made, so each budget check sees the ones before it).
    init(config c: ViTConfig, batch n: Int, threads: Int, keepsActivations keep: Bool = true) throws {
        let s = c.numPrefixTokens + c.numPatches, d = c.embedDim, m = c.mlpHidden, r = n * s
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
        probs = try blocks([n * c.numHeads, s, s]); attnOut = try blocks([r, d]); ln2 = try blocks([r, d]); fc1 = try blocks([r, m]); act = try blocks([r, m])
        attnBranch = try blocks([r, d], c.layerScale); mlpBranch = try blocks([r, d], c.layerScale)
        xOut = try z([r, d]); normed = c.finalNorm ? try z([r, d]) : xOut
        pooled = try z([n, d]); pooledRaw = c.fcNorm ? try z([n, d]) : pooled
        pooledDist = try z([n, d]); logits = try z([n, c.numClasses]); logitsDist = try z([n, c.numClasses])
        dx = try grad([r, d]); dLn = try grad([r, d]); dqkv = try grad([r, 3 * d]); dHidden = try grad([r, m]); dPooled = try grad([n, d])
        dPooledRaw = c.fcNorm ? try grad([n, d]) : dPooled
        dAttn = try z([AttentionGrad.scratchCount(AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads), threads: threads)])
        dPatch = try grad([n * c.numPatches, d])
        dBranch = c.layerScale ? try grad([r, d]) : try z([1])
        lnScratch = try grad([LayerNormGrad.scratchCount(rows: r, width: d)])
    }

    /// Index of block `b`'s buffers in the per-block arrays.
    @inline(__always) func slot(_ b: Int) -> Int { keepsActivations ? b : 0 }

    /// The residual stream entering block `b`.
    @inline(__always) func stream(_ b: Int) -> Tensor { keepsActivations ? xIn[b] : xIn[b % 2] }

    /// Bytes held by this workspace.
    var byteCount: Int {
        var all = [patches, patchOut, xOut, pooled, pooledDist, logits, logitsDist, dx, dLn, dqkv, dHidden, dPooled, dAttn, dPatch,
                   dBranch, lnScratch]
        if normed.storage !== xOut.storage { all.append(normed) }
        if pooledRaw.storage !== pooled.storage { all.append(pooledRaw) }
        if dPooledRaw.storage !== dPooled.storage { all.append(dPooledRaw) }
        all += xIn + xMid + ln1 + qkv + probs + attnOut + ln2 + fc1 + act + attnBranch + mlpBranch
        return all.reduce(0) { $0 + $1.byteCount }
    }
}
