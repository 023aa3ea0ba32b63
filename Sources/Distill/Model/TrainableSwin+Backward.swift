#if canImport(Glibc)
import Glibc
#endif
import Graph

extension TrainableSwin {
    /// Back-propagates ∂loss/∂output of the last `forward` and adds every parameter's gradient to
    /// `parameters.grads` (call `parameters.zeroGradients()` first for a fresh step). Does nothing
    /// before the first `forward`.
    ///
    /// Parallel as the forward; every reduction over the batch (weight gradients, LayerNorm's γ/β, the
    /// bias tables' scatter-add) runs in a fixed order, so a run repeats bit for bit.
    /// - Parameter dLogits: `[N, classes]` (headless: `[N, width]`), ∂loss/∂output.
    public func backward(dLogits: Tensor, dDistLogits: Tensor? = nil) {
        guard let w = workspace else { return }
        BLAS.setThreads(1)
        let c = config, p = parameters, ctx = context, n = w.batch, eps = Float(c.eps)
        let last = stages[stages.count - 1], rl = last.rows(n), dl = last.width
        let dx = w.dx.mutableFloats, dLn = w.dLn.mutableFloats, ln = w.lnScratch.mutableFloats
        profile.measure("backward.head") {
            if c.numClasses > 0 {
                LinearGrad.backward(x: w.pooled.floats, dy: dLogits.floats, rows: n, k: dl, n: c.numClasses, weight: p.value("head.fc.weight"),
                                    dW: p.grad("head.fc.weight"), db: p.grad("head.fc.bias"), dx: w.dPooled.mutableFloats, context: ctx)
            } else {
                w.dPooled.mutableFloats.update(from: dLogits.floats, count: n * dl)
            }
            let g = w.dPooled.floats, t = last.tokens, inv = 1 / Float(t)
            for row in 0..<rl {
                let src = g + (row / t) * dl, dst = dLn + row * dl
                for j in 0..<dl { dst[j] = src[j] * inv }
            }
            memset(dx, 0, rl * dl * 4)
            LayerNormGrad.backward(x: w.stageOut[stages.count - 1].floats, dy: dLn, rows: rl, width: dl, gamma: p.value("norm.weight"), epsilon: eps,
                                   dx: dx, dGamma: p.grad("norm.weight"), dBeta: p.grad("norm.bias"), scratch: ln, context: ctx)
        }
        for s in stride(from: stages.count - 1, through: 0, by: -1) {
            let st = stages[s]
            for b in stride(from: st.depth - 1, through: 0, by: -1) { blockBackward(w, stage: s, block: b) }
            guard s > 0 else { break }
            profile.measure("backward.merge") {
                // x = reduction(norm(merge(prev))): ∂ into the previous stage's output, in `dx`.
                let prev = stages[s - 1], r = st.rows(n), wide = 2 * st.width, pre = "layers.\(s).downsample."
                LinearGrad.backward(x: w.mergeNormed[s].floats, dy: dx, rows: r, k: wide, n: st.width, weight: p.value(pre + "reduction.weight"),
                                    dW: p.grad(pre + "reduction.weight"), db: nil, dx: dLn, context: ctx)
                let dMerged = w.dWindow.mutableFloats
                memset(dMerged, 0, r * wide * 4)
                LayerNormGrad.backward(x: w.merged[s].floats, dy: dLn, rows: r, width: wide, gamma: p.value(pre + "norm.weight"), epsilon: eps,
                                       dx: dMerged, dGamma: p.grad(pre + "norm.weight"), dBeta: p.grad(pre + "norm.bias"), scratch: ln, context: ctx)
                merge(dMerged, dx, grid: prev.grid, channels: prev.width, batch: n, inverse: true)
            }
        }
        profile.measure("backward.embed") {
            let r0 = stages[0].rows(n), d0 = c.embedDim
            memset(dLn, 0, r0 * d0 * 4)
            LayerNormGrad.backward(x: w.patchOut.floats, dy: dx, rows: r0, width: d0, gamma: p.value("patch_embed.norm.weight"), epsilon: eps,
                                   dx: dLn, dGamma: p.grad("patch_embed.norm.weight"), dBeta: p.grad("patch_embed.norm.bias"), scratch: ln, context: ctx)
            LinearGrad.backward(x: w.patches.floats, dy: dLn, rows: r0, k: w.patches.shape[1], n: d0, weight: p.value("patch_embed.proj.weight"),
                                dW: p.grad("patch_embed.proj.weight"), db: p.grad("patch_embed.proj.bias"), dx: nil, context: ctx)
        }
    }

    /// One block, from ∂loss/∂(its output) in `dx` to ∂loss/∂(its input) in `dx`.
    private func blockBackward(_ w: SwinWorkspace, stage s: Int, block b: Int) {
        let st = stages[s], n = w.batch, k = st.firstBlock + b, r = st.rows(n), d = st.width, m = st.hidden, p = parameters, ctx = context
        let eps = Float(config.eps), pre = SwinStagePlan.blockPrefix(s, b), order = st.order[b % 2]
        let dx = w.dx.mutableFloats, dLn = w.dLn.mutableFloats, dH = w.dHidden.mutableFloats, ln = w.lnScratch.mutableFloats
        profile.measure("backward.linear") {
            LinearGrad.backward(x: w.act[k].floats, dy: dx, rows: r, k: m, n: d, weight: p.value(pre + "mlp.fc2.weight"),
                                dW: p.grad(pre + "mlp.fc2.weight"), db: p.grad(pre + "mlp.fc2.bias"), dx: dH, context: ctx)
        }
        profile.measure("backward.gelu") {
            _ = ActivationGrad.backward(.gelu, saved: w.fc1[k].floats, grad: dH, dFc1: dH, rows: r, hidden: m, context: ctx)
        }
        profile.measure("backward.linear") {
            LinearGrad.backward(x: w.ln2[k].floats, dy: dH, rows: r, k: d, n: m, weight: p.value(pre + "mlp.fc1.weight"),
                                dW: p.grad(pre + "mlp.fc1.weight"), db: p.grad(pre + "mlp.fc1.bias"), dx: dLn, context: ctx)
        }
        profile.measure("backward.norm") {
            LayerNormGrad.backward(x: w.xMid[k].floats, dy: dLn, rows: r, width: d, gamma: p.value(pre + "norm2.weight"), epsilon: eps,
                                   dx: dx, dGamma: p.grad(pre + "norm2.weight"), dBeta: p.grad(pre + "norm2.bias"), scratch: ln, context: ctx)
        }
        profile.measure("backward.linear") {
            LinearGrad.backward(x: w.attnOut[k].floats, dy: dx, rows: r, k: d, n: d, weight: p.value(pre + "attn.proj.weight"),
                                dW: p.grad(pre + "attn.proj.weight"), db: p.grad(pre + "attn.proj.bias"), dx: dLn, context: ctx)
        }
        profile.measure("backward.attn") {
            gather(dLn, into: w.dWindow.mutableFloats, order: order, batch: n, width: d)
            WindowAttentionGrad.backward(qkv: w.qkvW[k].floats, probs: w.probs[k].mutableFloats, dOut: w.dWindow.floats,
                                         geometry: st.geometry(block: b, batch: n), dqkv: w.dqkvW.mutableFloats,
                                         dTable: p.grad(pre + "attn.relative_position_bias_table"), scratch: w.attnScratch.mutableFloats, context: ctx)
            scatter(w.dqkvW.floats, into: w.dqkvGrid.mutableFloats, order: order, batch: n, width: 3 * d)
        }
        profile.measure("backward.linear") {
            LinearGrad.backward(x: w.ln1[k].floats, dy: w.dqkvGrid.floats, rows: r, k: d, n: 3 * d, weight: p.value(pre + "attn.qkv.weight"),
                                dW: p.grad(pre + "attn.qkv.weight"), db: config.qkvBias ? p.grad(pre + "attn.qkv.bias") : nil, dx: dLn, context: ctx)
        }
        profile.measure("backward.norm") {
            LayerNormGrad.backward(x: w.xIn[k].floats, dy: dLn, rows: r, width: d, gamma: p.value(pre + "norm1.weight"), epsilon: eps,
                                   dx: dx, dGamma: p.grad(pre + "norm1.weight"), dBeta: p.grad(pre + "norm1.bias"), scratch: ln, context: ctx)
        }
    }
}
