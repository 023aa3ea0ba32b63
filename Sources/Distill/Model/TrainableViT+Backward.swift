#if canImport(Glibc)
import Glibc
#endif
import Graph

extension TrainableViT {
    /// Back-propagates the loss gradient of the last `forward` and adds every parameter's gradient to
    /// `parameters.grads` (call `parameters.zeroGradients()` first for a fresh step).
    ///
    /// Parallel over `context.threads` with OpenBLAS at one thread: weight gradients split by output
    /// feature, input gradients and LayerNorm by rows, attention by (batch, head). Every reduction
    /// (over the batch for parameter gradients) runs in a fixed order, so a run repeats bit for bit.
    /// With a relative position bias the saved attention probabilities are replaced by their gradient:
    /// run `forward` again before another `backward`.
    /// - Parameters:
    ///   - dLogits: `[N, classes]`, ∂loss/∂logits of the class head.
    ///   - dDistLogits: ∂loss/∂logits of `head_dist` (models with a distillation token).
    public func backward(dLogits: Tensor, dDistLogits: Tensor? = nil) {
        guard let w = workspace, trainable else { preconditionFailure(trainable ? "backward before forward" : "backward of a forward-only model") }
        BLAS.setThreads(1)
        let c = config, p = parameters, ctx = context, prof = profile
        let n = w.batch, d = c.embedDim, s = tokens, r = n * s, m = c.mlpHidden
        let eps = Float(c.eps), ln = w.lnScratch.mutableFloats
        let dx = w.dx.mutableFloats
        prof.measure("backward.head") { headBackward(w, dLogits: dLogits, dDistLogits: dDistLogits, into: dx) }
        let shape = AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads)
        let dH = w.dHidden.mutableFloats, dLn = w.dLn.mutableFloats, activation = c.mlpActivation ?? .gelu
        for b in stride(from: c.depth - 1, through: 0, by: -1) {
            // MLP branch: x_out = x_mid + [ls2 ⊙] fc2(gelu(fc1(ln2(x_mid)))).
            prof.measure("backward.linear") {
                let dy = scaleBranch(dx, scale: c.layerScale ? p.value(.ls2, b) : nil, dScale: c.layerScale ? p.grad(.ls2, b) : nil,
                                     branch: c.layerScale ? w.mlpBranch[b].floats : nil, w: w)
                LinearGrad.backward(x: w.act[b].floats, dy: dy, rows: r, k: m, n: d, weight: p.value(.fc2Weight, b),
                                    dW: p.grad(.fc2Weight, b), db: p.grad(.fc2Bias, b), dx: dH, context: ctx)
            }
            var dFc1 = UnsafePointer(dH)
            prof.measure("backward.gelu") {
                dFc1 = ActivationGrad.backward(activation, saved: w.fc1[b].floats, grad: dH, dFc1: w.dFc1.mutableFloats, rows: r, hidden: m,
                                               context: ctx)
            }
            prof.measure("backward.linear") {
                LinearGrad.backward(x: w.ln2[b].floats, dy: dFc1, rows: r, k: d, n: c.fc1Rows, weight: p.value(.fc1Weight, b),
                                    dW: p.grad(.fc1Weight, b), db: p.grad(.fc1Bias, b), dx: dLn, context: ctx)
            }
            prof.measure("backward.norm") {
                LayerNormGrad.backward(x: w.xMid[b].floats, dy: dLn, rows: r, width: d, gamma: p.value(.norm2Weight, b), epsilon: eps,
                                       dx: dx, dGamma: p.grad(.norm2Weight, b), dBeta: p.grad(.norm2Bias, b), scratch: ln, context: ctx)
            }
            // Attention branch: x_mid = x_in + [ls1 ⊙] proj(attn(qkv(ln1(x_in)))).
            prof.measure("backward.linear") {
                let dy = scaleBranch(dx, scale: c.layerScale ? p.value(.ls1, b) : nil, dScale: c.layerScale ? p.grad(.ls1, b) : nil,
                                     branch: c.layerScale ? w.attnBranch[b].floats : nil, w: w)
                LinearGrad.backward(x: w.attnOut[b].floats, dy: dy, rows: r, k: d, n: d, weight: p.value(.projWeight, b),
                                    dW: p.grad(.projWeight, b), db: p.grad(.projBias, b), dx: dLn, context: ctx)
            }
            prof.measure("backward.attn") {
                // With a relative position bias, each pair's dScores replaces its probabilities (no longer read).
                let dScores = c.relativeBias == .absent ? nil : w.probs[b].mutableFloats
                AttentionGrad.backward(qkv: w.qkv[b].floats, probs: w.probs[b].floats, dOut: dLn, shape: shape,
                                       dqkv: w.dqkv.mutableFloats, scratch: w.dAttn.mutableFloats, dScores: dScores, context: ctx)
                if let dScores { relativeBiasBackward(w, dScores: dScores, block: b) }
            }
            prof.measure("backward.linear") {
                LinearGrad.backward(x: w.ln1[b].floats, dy: w.dqkv.floats, rows: r, k: d, n: 3 * d, weight: p.value(.qkvWeight, b),
                                    dW: p.grad(.qkvWeight, b), db: c.qkvBias ? p.grad(.qkvBias, b) : nil, dx: dLn, context: ctx)
                if keyBiasFixed { zeroKeyBias(in: p.grads, block: b) }
            }
            prof.measure("backward.norm") {
                LayerNormGrad.backward(x: w.xIn[b].floats, dy: dLn, rows: r, width: d, gamma: p.value(.norm1Weight, b), epsilon: eps,
                                       dx: dx, dGamma: p.grad(.norm1Weight, b), dBeta: p.grad(.norm1Bias, b), scratch: ln, context: ctx)
            }
        }
        prof.measure("backward.embed") {
            if c.normPre {
                memset(dLn, 0, r * d * 4)
                LayerNormGrad.backward(x: w.embedded.floats, dy: dx, rows: r, width: d, gamma: p.value(.normPreWeight), epsilon: eps,
                                       dx: dLn, dGamma: p.grad(.normPreWeight), dBeta: p.grad(.normPreBias), scratch: ln, context: ctx)
                embedBackward(w, dx: dLn, n: n)
            } else {
                embedBackward(w, dx: dx, n: n)
            }
        }
    }

    /// With LayerScale: `dScale += Σ_rows dOut ⊙ branch` (rows in order) and returns `dOut ⊙ scale` (in
    /// `dBranch`); without, `dOut` itself.
    private func scaleBranch(_ dOut: UnsafePointer<Float>, scale: UnsafePointer<Float>?, dScale: UnsafeMutablePointer<Float>?,
                             branch: UnsafePointer<Float>?, w: ActivationWorkspace) -> UnsafePointer<Float> {
        guard let scale, let dScale, let branch else { return dOut }
        let d = config.embedDim, rows = w.rows, out = w.dBranch.mutableFloats
        context.parallelFor(d, minChunk: 16) { cols in
            for row in 0..<rows {
                let g = dOut + row * d, y = branch + row * d
                for j in cols { dScale[j] += g[j] * y[j] }
            }
        }
        context.parallelFor(rows, minChunk: 64) { range in
            for row in range {
                let g = dOut + row * d, o = out + row * d
                for j in 0..<d { o[j] = g[j] * scale[j] }
            }
        }
        return UnsafePointer(out)
    }

    /// Heads, `fc_norm`, pooling and the final norm: ∂loss/∂(last block's output) into `dx` (overwritten).
    private func headBackward(_ w: ActivationWorkspace, dLogits: Tensor, dDistLogits: Tensor?, into dx: UnsafeMutablePointer<Float>) {
        let c = config, p = parameters, n = w.batch, d = c.embedDim, s = tokens, r = n * s, k = c.numClasses
        let eps = Float(c.eps)
        let dNormed = w.dLn.mutableFloats
        memset(dNormed, 0, r * d * 4)
        let pw = c.pooledWidth
        if k > 0 {
            LinearGrad.backward(x: w.pooled.floats, dy: dLogits.floats, rows: n, k: pw, n: k, weight: p.value(.headWeight),
                                dW: p.grad(.headWeight), db: p.grad(.headBias), dx: w.dPooled.mutableFloats)
        } else if c.projectionDim > 0 {
            LinearGrad.backward(x: w.pooled.floats, dy: dLogits.floats, rows: n, k: pw, n: c.projectionDim, weight: p.value(.imageProjection),
                                dW: p.grad(.imageProjection), db: nil, dx: w.dPooled.mutableFloats)
        } else if c.pooler {
            // pooler_output = tanh(dense(first token)): the saved output gives tanh' = 1 − y².
            let y = w.logits.floats, g = dLogits.floats, pre = w.dPoolerDense.mutableFloats
            for i in 0..<(n * d) { pre[i] = g[i] * (1 - y[i] * y[i]) }
            LinearGrad.backward(x: w.pooled.floats, dy: w.dPoolerDense.floats, rows: n, k: d, n: d, weight: p.value(.poolerWeight),
                                dW: p.grad(.poolerWeight), db: p.grad(.poolerBias), dx: w.dPooled.mutableFloats)
        } else {
            w.dPooled.mutableFloats.update(from: dLogits.floats, count: n * pw)
        }
        if c.fcNorm {
            memset(w.dPooledRaw.mutableRawPointer, 0, w.dPooledRaw.byteCount)
            LayerNormGrad.backward(x: w.pooledRaw.floats, dy: w.dPooled.floats, rows: n, width: pw, gamma: p.value(.fcNormWeight),
                                   epsilon: eps, dx: w.dPooledRaw.mutableFloats, dGamma: p.grad(.fcNormWeight),
                                   dBeta: p.grad(.fcNormBias), scratch: w.lnScratch.mutableFloats, context: context)
        }
        let dp = w.dPooledRaw.floats, pooling = c.pooling ?? .token
        if pooling == .map { attentionPoolBackward(w, dPooled: dp, dNormed: dNormed) }
        for b in 0..<n {
            let seq = dNormed + b * s * d, g = dp + b * pw
            if pooling == .token || pooling == .tokenAvg { for j in 0..<d { seq[j] += g[j] } }
            if pooling == .avg || pooling == .tokenAvg {
                let ga = pooling == .avg ? g : g + d, scale = 1 / Float(s - c.numPrefixTokens)
                for t in c.numPrefixTokens..<s { let row = seq + t * d; for j in 0..<d { row[j] += ga[j] * scale } }
            }
        }
        if c.distToken, let dd = dDistLogits {
            LinearGrad.backward(x: w.pooledDist.floats, dy: dd.floats, rows: n, k: d, n: k, weight: p.value(.headDistWeight),
                                dW: p.grad(.headDistWeight), db: p.grad(.headDistBias), dx: w.dPooled.mutableFloats)
            let g0 = w.dPooled.floats
            for b in 0..<n { let row = dNormed + (b * s + 1) * d, g = g0 + b * d; for j in 0..<d { row[j] += g[j] } }
        }
        if c.finalNorm {
            memset(dx, 0, r * d * 4)
            LayerNormGrad.backward(x: w.xOut.floats, dy: dNormed, rows: r, width: d, gamma: p.value(.normWeight), epsilon: eps,
                                   dx: dx, dGamma: p.grad(.normWeight), dBeta: p.grad(.normBias), scratch: w.lnScratch.mutableFloats,
                                   context: context)
        } else {
            dx.update(from: dNormed, count: r * d)
        }
    }

    /// ∂x₀ into the position embedding, prefix tokens and the patch projection.
    private func embedBackward(_ w: ActivationWorkspace, dx: UnsafePointer<Float>, n: Int) {
        let c = config, p = parameters, d = c.embedDim, s = tokens, prefix = c.numPrefixTokens, np = c.numPatches
        let gPos = c.absolutePositions ? p.grad(.posEmbed) : nil, start = c.posEmbedIncludesPrefix ? 0 : prefix
        var tokenGrads: [UnsafeMutablePointer<Float>] = []
        if c.classToken { tokenGrads.append(p.grad(.clsToken)) }
        if c.distToken { tokenGrads.append(p.grad(.distToken)) }
        for i in 0..<c.regTokens { tokenGrads.append(p.grad(.regToken) + i * d) }
        let dPatch = w.dPatch.mutableFloats
        // Sums over the batch in image order, split by token rows (each thread owns whole rows of the sums).
        context.parallelFor(s, minChunk: 8) { tokensRange in
            for b in 0..<n {
                let seq = dx + b * s * d
                for t in tokensRange {
                    if t >= start, let gPos { self.add(gPos + (t - start) * d, seq + t * d, count: d) }
                    if t < prefix { self.add(tokenGrads[t], seq + t * d, count: d) } else {
                        (dPatch + (b * np + t - prefix) * d).update(from: seq + t * d, count: d)
                    }
                }
            }
        }
        LinearGrad.backward(x: w.patches.floats, dy: w.dPatch.floats, rows: n * np, k: w.patches.shape[1], n: d,
                            weight: p.value(.patchWeight), dW: p.grad(.patchWeight), db: c.patchBias ? p.grad(.patchBias) : nil, dx: nil,
                            context: context)
    }
}
