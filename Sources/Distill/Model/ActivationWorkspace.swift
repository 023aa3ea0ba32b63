import Graph

/// Every activation the backward pass needs, plus the gradient scratch, for one batch size —
/// allocated once and reused for every step of that size (the plan is fixed by the config:
/// nothing is allocated per step). Sizes for batch N, S tokens, width D, MLP width M, heads H:
/// per block 6·N·S·D + 2·N·S·M + N·H·S² floats, plus the embedding, head and gradient buffers.
final class ActivationWorkspace {
    let batch: Int
    let rows: Int
    /// im2col patch matrix `[N·P, C·ph·pw]` and the patch projection `[N·P, D]`.
    let patches: Tensor, patchOut: Tensor
    /// Residual stream entering each block, and after the attention residual: `[N·S, D]` each.
    let xIn: [Tensor], xMid: [Tensor]
    let ln1: [Tensor], qkv: [Tensor], probs: [Tensor], attnOut: [Tensor], ln2: [Tensor], fc1: [Tensor], act: [Tensor]
    /// Stream after the last block, the final norm's output, pooled features and logits.
    let xOut: Tensor, normed: Tensor, pooled: Tensor, pooledDist: Tensor, logits: Tensor, logitsDist: Tensor
    // Gradient scratch.
    let dx: Tensor, dLn: Tensor, dqkv: Tensor, dHidden: Tensor, dPooled: Tensor, dAttn: Tensor, dPatch: Tensor

    init(config c: ViTConfig, batch n: Int, threads: Int) {
        let s = c.numPrefixTokens + c.numPatches, d = c.embedDim, m = c.mlpHidden, r = n * s
        func z(_ shape: [Int]) -> Tensor { Tensor(zeros: .f32, shape: shape) }
        func blocks(_ shape: [Int]) -> [Tensor] { (0..<c.depth).map { _ in z(shape) } }
        batch = n
        rows = r
        patches = z([n * c.numPatches, c.channels * c.patchSize[0] * c.patchSize[1]])
        patchOut = z([n * c.numPatches, d])
        xIn = blocks([r, d]); xMid = blocks([r, d]); ln1 = blocks([r, d]); qkv = blocks([r, 3 * d])
        probs = blocks([n * c.numHeads, s, s]); attnOut = blocks([r, d]); ln2 = blocks([r, d]); fc1 = blocks([r, m]); act = blocks([r, m])
        xOut = z([r, d]); normed = c.finalNorm ? z([r, d]) : xOut
        pooled = z([n, d]); pooledDist = z([n, d]); logits = z([n, c.numClasses]); logitsDist = z([n, c.numClasses])
        dx = z([r, d]); dLn = z([r, d]); dqkv = z([r, 3 * d]); dHidden = z([r, m]); dPooled = z([n, d])
        dAttn = z([max(1, min(threads, n * c.numHeads)), s, s]); dPatch = z([n * c.numPatches, d])
    }

    /// Bytes held by this workspace.
    var byteCount: Int {
        var all = [patches, patchOut, xOut, pooled, pooledDist, logits, logitsDist, dx, dLn, dqkv, dHidden, dPooled, dAttn, dPatch]
        if normed.storage !== xOut.storage { all.append(normed) }
        all += xIn + xMid + ln1 + qkv + probs + attnOut + ln2 + fc1 + act
        return all.reduce(0) { $0 + $1.byteCount }
    }
}
