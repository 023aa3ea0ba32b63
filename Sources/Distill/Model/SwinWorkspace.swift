import Graph

/// Every activation a Swin student's backward needs, plus the gradient scratch, for one batch size —
/// allocated once (each buffer budget-checked as it is made) and reused for every step of that size.
/// Per block (stage width D, MLP width M, R = N·tokens rows, A = window area, H heads): the input
/// stream, both norms' outputs, the attention output and the mid stream `[R, D]`, qkv in window order
/// `[R, 3D]`, the probabilities `[R·H, A]`, the MLP's derivative and output `[R, M]`. Per stage after the
/// first: the merged 2×2 neighbours and their norm `[R, 4D/2]`. The scratch is sized by stage 0, the widest
/// activation of a Swin (rows shrink 4× per stage, width doubles).
final class SwinWorkspace {
    let batch: Int
    let patches: Tensor, patchOut: Tensor
    let xIn: [Tensor], ln1: [Tensor], qkvW: [Tensor], probs: [Tensor], attnOut: [Tensor], xMid: [Tensor], ln2: [Tensor], fc1: [Tensor], act: [Tensor]
    /// Per stage: the last block's output; the merged neighbours and their norm (empty placeholders for stage 0).
    let stageOut: [Tensor], merged: [Tensor], mergeNormed: [Tensor]
    let normed: Tensor, pooled: Tensor, logits: Tensor
    // Scratch (forward and backward).
    let qkvGrid: Tensor, window: Tensor, dx: Tensor, dLn: Tensor, dWindow: Tensor, dqkvW: Tensor, dqkvGrid: Tensor, dHidden: Tensor, dPooled: Tensor
    let attnScratch: Tensor, lnScratch: Tensor

    init(config c: SwinConfig, stages: [SwinStagePlan], batch n: Int, threads: Int, classes: Int) throws {
        func z(_ shape: [Int]) throws -> Tensor { try Tensor(zeros: .f32, shape: shape, for: "Swin training activations \(shape) for batch \(n)") }
        batch = n
        let p = c.patchSize, tokens0 = stages[0].tokens, d0 = c.embedDim
        patches = try z([n * tokens0, c.channels * p * p])
        patchOut = try z([n * tokens0, d0])
        var xIn: [Tensor] = [], ln1: [Tensor] = [], qkvW: [Tensor] = [], probs: [Tensor] = [], attnOut: [Tensor] = [], xMid: [Tensor] = []
        var ln2: [Tensor] = [], fc1: [Tensor] = [], act: [Tensor] = [], stageOut: [Tensor] = [], merged: [Tensor] = [], mergeNormed: [Tensor] = []
        var maxRD = 0, maxRM = 0, attn = 0, ln = LayerNormGrad.scratchCount(rows: n * tokens0, width: d0)
        for (s, st) in stages.enumerated() {
            let r = st.rows(n), d = st.width
            if s > 0 {
                merged.append(try z([r, 2 * d])); mergeNormed.append(try z([r, 2 * d]))
                ln = max(ln, LayerNormGrad.scratchCount(rows: r, width: 2 * d))
            } else {
                merged.append(try z([1])); mergeNormed.append(try z([1]))
            }
            for _ in 0..<st.depth {
                xIn.append(try z([r, d])); ln1.append(try z([r, d])); qkvW.append(try z([r, 3 * d]))
                probs.append(try z([r * st.heads, st.area])); attnOut.append(try z([r, d])); xMid.append(try z([r, d]))
                ln2.append(try z([r, d])); fc1.append(try z([r, st.hidden])); act.append(try z([r, st.hidden]))
            }
            stageOut.append(try z([r, d]))
            maxRD = max(maxRD, r * d, s > 0 ? r * 2 * d : 0)
            maxRM = max(maxRM, r * st.hidden)
            attn = max(attn, WindowAttentionGrad.scratchCount(st.geometry(block: 0, batch: n), threads: threads))
            ln = max(ln, LayerNormGrad.scratchCount(rows: r, width: d))
        }
        (self.xIn, self.ln1, self.qkvW, self.probs, self.attnOut, self.xMid) = (xIn, ln1, qkvW, probs, attnOut, xMid)
        (self.ln2, self.fc1, self.act, self.stageOut, self.merged, self.mergeNormed) = (ln2, fc1, act, stageOut, merged, mergeNormed)
        let last = stages[stages.count - 1]
        normed = try z([last.rows(n), last.width])
        pooled = try z([n, last.width])
        logits = try z([n, classes > 0 ? classes : last.width])
        // The forward's grid-order qkv and window-order output are free during the backward: they serve as its
        // grid-order dqkv and window-order gradient.
        qkvGrid = try z([3 * maxRD]); window = try z([maxRD]); dx = try z([maxRD]); dLn = try z([maxRD]); dWindow = window
        dqkvW = try z([3 * maxRD]); dqkvGrid = qkvGrid; dHidden = try z([maxRM]); dPooled = try z([n, last.width])
        attnScratch = try z([attn]); lnScratch = try z([ln])
    }

    /// Bytes held by this workspace.
    var byteCount: Int {
        let lists = xIn + ln1 + qkvW + probs + attnOut + xMid + ln2 + fc1 + act + stageOut + merged + mergeNormed
        let single = [patches, patchOut, normed, pooled, logits, qkvGrid, window, dx, dLn, dqkvW, dHidden, dPooled, attnScratch, lnScratch]
        return (lists + single).reduce(0) { $0 + $1.byteCount }
    }
}
