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

    init(config c: ViTConfig, batch n: Int, threads: Int, keepsActivations keep: Bool = true) {
        let s = c.numPrefixTokens + c.numPatches, d = c.embedDim, m = c.mlpHidden, r = n * s
        func z(_ shape: [Int]) -> Tensor { Tensor(zeros: .f32, shape: shape) }
        func blocks(_ shape: [Int], _ used: Bool = true) -> [Tensor] { used ? (0..<(keep ? c.depth : 1)).map { _ in z(shape) } : [] }
        func grad(_ shape: [Int]) -> Tensor { keep ? z(shape) : z([1]) }
        batch = n
        rows = r
        keepsActivations = keep
        patches = z([n * c.numPatches, c.channels * c.patchSize[0] * c.patchSize[1]])
        patchOut = z([n * c.numPatches, d])
        xIn = keep ? blocks([r, d]) : [z([r, d]), z([r, d])]; xMid = blocks([r, d]); ln1 = blocks([r, d]); qkv = blocks([r, 3 * d])
        probs = blocks([n * c.numHeads, s, s]); attnOut = blocks([r, d]); ln2 = blocks([r, d]); fc1 = blocks([r, m]); act = blocks([r, m])
        attnBranch = blocks([r, d], c.layerScale); mlpBranch = blocks([r, d], c.layerScale)
        xOut = z([r, d]); normed = c.finalNorm ? z([r, d]) : xOut
        pooled = z([n, d]); pooledRaw = c.fcNorm ? z([n, d]) : pooled
        pooledDist = z([n, d]); logits = z([n, c.numClasses]); logitsDist = z([n, c.numClasses])
        dx = grad([r, d]); dLn = grad([r, d]); dqkv = grad([r, 3 * d]); dHidden = grad([r, m]); dPooled = grad([n, d])
        dPooledRaw = c.fcNorm ? grad([n, d]) : dPooled
        dAttn = z([AttentionGrad.scratchCount(AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads), threads: threads)])
        dPatch = grad([n * c.numPatches, d])
        dBranch = c.layerScale ? grad([r, d]) : z([1])
        lnScratch = grad([LayerNormGrad.scratchCount(rows: r, width: d)])
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
