import Graph

extension TrainableViT {
    /// Back-propagates the loss gradient of the last `forward` and adds every parameter's gradient to
    /// `parameters.grads` (call `parameters.zeroGradients()` first for a fresh step).
    /// - Parameters:
    ///   - dLogits: `[N, classes]`, ∂loss/∂logits of the class head.
    ///   - dDistLogits: ∂loss/∂logits of `head_dist` (models with a distillation token).
    public func backward(dLogits: Tensor, dDistLogits: Tensor? = nil) {
        guard let w = workspace else { preconditionFailure("backward before forward") }
        BLAS.setThreads(context.threads)
        let c = config, p = parameters, ctx = context
        let n = w.batch, d = c.embedDim, s = tokens, r = n * s, m = c.mlpHidden, k = c.numClasses
        let eps = Float(c.eps)
        // Heads and pooling into ∂normed (held in dLn).
        let dNormed = w.dLn.mutableFloats
        memset(dNormed, 0, r * d * 4)
        LinearGrad.backward(x: w.pooled.floats, dy: dLogits.floats, rows: n, k: d, n: k, weight: p.value(.headWeight),
                            dW: p.grad(.headWeight), db: p.grad(.headBias), dx: w.dPooled.mutableFloats)
        let dp = w.dPooled.floats
        for b in 0..<n {
            let seq = dNormed + b * s * d, g = dp + b * d
            if c.globalPool == "avg" {
                let scale = 1 / Float(s - c.numPrefixTokens)
                for t in c.numPrefixTokens..<s { let row = seq + t * d; for j in 0..<d { row[j] += g[j] * scale } }
            } else {
                for j in 0..<d { seq[j] += g[j] }
            }
        }
        if c.distToken, let dd = dDistLogits {
            LinearGrad.backward(x: w.pooledDist.floats, dy: dd.floats, rows: n, k: d, n: k, weight: p.value(.headDistWeight),
                                dW: p.grad(.headDistWeight), db: p.grad(.headDistBias), dx: w.dPooled.mutableFloats)
            for b in 0..<n { let row = dNormed + (b * s + 1) * d, g = dp + b * d; for j in 0..<d { row[j] += g[j] } }
        }
        let dx = w.dx.mutableFloats
        if c.finalNorm {
            memset(dx, 0, r * d * 4)
            LayerNormGrad.backward(x: w.xOut.floats, dy: dNormed, rows: r, width: d, gamma: p.value(.normWeight), epsilon: eps,
                                   dx: dx, dGamma: p.grad(.normWeight), dBeta: p.grad(.normBias), context: ctx)
        } else {
            dx.update(from: dNormed, count: r * d)
        }
        let shape = AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads)
        let dH = w.dHidden.mutableFloats, dLn = w.dLn.mutableFloats
        for b in stride(from: c.depth - 1, through: 0, by: -1) {
            // MLP branch: x_out = x_mid + fc2(gelu(fc1(ln2(x_mid)))).
            LinearGrad.backward(x: w.act[b].floats, dy: dx, rows: r, k: m, n: d, weight: p.value(.fc2Weight, b),
                                dW: p.grad(.fc2Weight, b), db: p.grad(.fc2Bias, b), dx: dH)
            GeluGrad.backward(x: w.fc1[b].floats, grad: dH, count: r * m, context: ctx)
            LinearGrad.backward(x: w.ln2[b].floats, dy: dH, rows: r, k: d, n: m, weight: p.value(.fc1Weight, b),
                                dW: p.grad(.fc1Weight, b), db: p.grad(.fc1Bias, b), dx: dLn)
            LayerNormGrad.backward(x: w.xMid[b].floats, dy: dLn, rows: r, width: d, gamma: p.value(.norm2Weight, b), epsilon: eps,
                                   dx: dx, dGamma: p.grad(.norm2Weight, b), dBeta: p.grad(.norm2Bias, b), context: ctx)
            // Attention branch: x_mid = x_in + proj(attn(qkv(ln1(x_in)))).
            LinearGrad.backward(x: w.attnOut[b].floats, dy: dx, rows: r, k: d, n: d, weight: p.value(.projWeight, b),
                                dW: p.grad(.projWeight, b), db: p.grad(.projBias, b), dx: dLn)
            AttentionGrad.backward(qkv: w.qkv[b].floats, probs: w.probs[b].floats, dOut: dLn, shape: shape,
                                   dqkv: w.dqkv.mutableFloats, scratch: w.dAttn.mutableFloats, context: ctx)
            LinearGrad.backward(x: w.ln1[b].floats, dy: w.dqkv.floats, rows: r, k: d, n: 3 * d, weight: p.value(.qkvWeight, b),
                                dW: p.grad(.qkvWeight, b), db: c.qkvBias ? p.grad(.qkvBias, b) : nil, dx: dLn)
            LayerNormGrad.backward(x: w.xIn[b].floats, dy: dLn, rows: r, width: d, gamma: p.value(.norm1Weight, b), epsilon: eps,
                                   dx: dx, dGamma: p.grad(.norm1Weight, b), dBeta: p.grad(.norm1Bias, b), context: ctx)
        }
        embedBackward(w, dx: dx, n: n)
    }

    /// ∂x₀ into the position embedding, prefix tokens and the patch projection.
    private func embedBackward(_ w: ActivationWorkspace, dx: UnsafePointer<Float>, n: Int) {
        let c = config, p = parameters, d = c.embedDim, s = tokens, prefix = c.numPrefixTokens, np = c.numPatches
        let gPos = p.grad(.posEmbed), start = c.posEmbedIncludesPrefix ? 0 : prefix
        var tokenGrads: [UnsafeMutablePointer<Float>] = []
        if c.classToken { tokenGrads.append(p.grad(.clsToken)) }
        if c.distToken { tokenGrads.append(p.grad(.distToken)) }
        for i in 0..<c.regTokens { tokenGrads.append(p.grad(.regToken) + i * d) }
        let dPatch = w.dPatch.mutableFloats
        for b in 0..<n {
            let seq = dx + b * s * d
            add(gPos, seq + start * d, count: (s - start) * d)
            for (i, g) in tokenGrads.enumerated() { add(g, seq + i * d, count: d) }
            (dPatch + b * np * d).update(from: seq + prefix * d, count: np * d)
        }
        LinearGrad.backward(x: w.patches.floats, dy: w.dPatch.floats, rows: n * np, k: w.patches.shape[1], n: d,
                            weight: p.value(.patchWeight), dW: p.grad(.patchWeight), db: p.grad(.patchBias), dx: nil)
    }
}

#if canImport(Glibc)
import Glibc
#endif
