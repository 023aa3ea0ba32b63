#if canImport(Glibc)
import Glibc
#endif
import Graph

/// Attention pooling (`global_pool "map"`: timm `AttentionPoolLatent`, SigLIP's head), forward and backward,
/// as `ViTGraphBuilder` computes it: `q = latent·W_qᵀ + b_q` (one query for every image),
/// `[K | V] = x·W_kvᵀ + b_kv` over the normed tokens, per head `softmax(q·Kᵀ/√(D/H))·V` (row maximum
/// subtracted), `y = attn·W_projᵀ + b_proj`, then `pooled = y + fc2(act(fc1(LN(y))))` with the model's
/// activation (GELU for a SwiGLU model, as timm builds the head's `Mlp`).
///
/// Backward: the MLP, norm and projections through `LinearGrad`/`LayerNormGrad`; the attention by
/// `∂v_t = p_t·∂o`, `∂s_t = p_t(∂o·v_t − Σ_u p_u ∂o·v_u)/√(D/H)`, `∂k_t = ∂s_t·q`, `∂q = Σ_t ∂s_t·k_t`,
/// the query's gradient summed over the batch in image order.
extension TrainableViT {
    /// The activation of the pooling head's MLP.
    var mapActivation: ViTActivation { config.mlpActivation == .swiglu ? .gelu : (config.mlpActivation ?? .gelu) }

    /// Pools `normed` into `pooledRaw` `[N, D]`.
    func attentionPoolForward(_ w: ActivationWorkspace, n: Int) {
        guard let mp = w.mapPool else { return }
        let c = config, p = parameters, ctx = context, d = c.embedDim, s = tokens, heads = c.numHeads, hd = d / heads, m = c.mlpHidden
        BLAS.linear(p.value(.mapLatent), rows: 1, k: d, weight: p.value(.mapQWeight), n: d, bias: p.value(.mapQBias), into: mp.q.mutableFloats)
        LinearGrad.forward(x: w.normed.floats, rows: n * s, k: d, weight: p.value(.mapKVWeight), n: 2 * d, bias: p.value(.mapKVBias),
                           into: mp.kv.mutableFloats, context: ctx)
        let q = mp.q.floats, kv = mp.kv.floats, probs = mp.probs.mutableFloats, out = mp.attn.mutableFloats
        let scale = 1 / Float(hd).squareRoot()
        ctx.parallelFor(n * heads, minChunk: 1) { range in
            for bh in range {
                let b = bh / heads, h = bh % heads, pr = probs + bh * s, qh = q + h * hd
                var top = -Float.infinity
                for t in 0..<s {
                    let k = kv + (b * s + t) * 2 * d + h * hd
                    var dot: Float = 0
                    for j in 0..<hd { dot += qh[j] * k[j] }
                    pr[t] = dot * scale
                    top = max(top, pr[t])
                }
                var sum: Float = 0
                for t in 0..<s { pr[t] = VectorMath.exp(pr[t] - top); sum += pr[t] }
                let o = out + b * d + h * hd
                for j in 0..<hd { o[j] = 0 }
                for t in 0..<s {
                    pr[t] /= sum
                    let v = kv + (b * s + t) * 2 * d + d + h * hd
                    for j in 0..<hd { o[j] += pr[t] * v[j] }
                }
            }
        }
        LinearGrad.forward(x: mp.attn.floats, rows: n, k: d, weight: p.value(.mapProjWeight), n: d, bias: p.value(.mapProjBias),
                           into: mp.y.mutableFloats, context: ctx)
        KernelMath.layerNorm(mp.y.floats, rows: n, width: d, gamma: p.value(.mapNormWeight), beta: p.value(.mapNormBias),
                             epsilon: Float(c.eps), into: mp.z.mutableFloats, context: ctx)
        LinearGrad.forward(x: mp.z.floats, rows: n, k: d, weight: p.value(.mapFc1Weight), n: m, bias: p.value(.mapFc1Bias),
                           into: mp.fc1.mutableFloats, context: ctx)
        ActivationGrad.forward(mapActivation, mp.fc1.mutableFloats, act: mp.act.mutableFloats, rows: n, hidden: m,
                               keepDerivative: w.keepsActivations, context: ctx)
        LinearGrad.forward(x: mp.act.floats, rows: n, k: m, weight: p.value(.mapFc2Weight), n: d, bias: p.value(.mapFc2Bias),
                           residual: mp.y.floats, into: w.pooledRaw.mutableFloats, context: ctx)
    }

    /// ∂loss/∂pooled (`dPooled`, `[N, D]`) into the head's parameter gradients, and added to `dNormed`.
    func attentionPoolBackward(_ w: ActivationWorkspace, dPooled: UnsafePointer<Float>, dNormed: UnsafeMutablePointer<Float>) {
        guard let mp = w.mapPool else { return }
        let c = config, p = parameters, ctx = context, n = w.batch, d = c.embedDim, s = tokens, heads = c.numHeads, hd = d / heads
        let m = c.mlpHidden
        let dY = mp.dY.mutableFloats
        dY.update(from: dPooled, count: n * d)
        LinearGrad.backward(x: mp.act.floats, dy: dPooled, rows: n, k: m, n: d, weight: p.value(.mapFc2Weight), dW: p.grad(.mapFc2Weight),
                            db: p.grad(.mapFc2Bias), dx: mp.dAct.mutableFloats, context: ctx)
        let dFc1 = ActivationGrad.backward(mapActivation, saved: mp.fc1.floats, grad: mp.dAct.mutableFloats, dFc1: mp.dAct.mutableFloats,
                                           rows: n, hidden: m, context: ctx)
        LinearGrad.backward(x: mp.z.floats, dy: dFc1, rows: n, k: d, n: m, weight: p.value(.mapFc1Weight), dW: p.grad(.mapFc1Weight),
                            db: p.grad(.mapFc1Bias), dx: mp.dZ.mutableFloats, context: ctx)
        LayerNormGrad.backward(x: mp.y.floats, dy: mp.dZ.floats, rows: n, width: d, gamma: p.value(.mapNormWeight), epsilon: Float(c.eps),
                               dx: dY, dGamma: p.grad(.mapNormWeight), dBeta: p.grad(.mapNormBias), scratch: w.lnScratch.mutableFloats,
                               context: ctx)
        LinearGrad.backward(x: mp.attn.floats, dy: mp.dY.floats, rows: n, k: d, n: d, weight: p.value(.mapProjWeight),
                            dW: p.grad(.mapProjWeight), db: p.grad(.mapProjBias), dx: mp.dAttn.mutableFloats, context: ctx)
        let q = mp.q.floats, kv = mp.kv.floats, probs = mp.probs.floats, dAttn = mp.dAttn.floats
        let dkv = mp.dkv.mutableFloats, dScores = mp.dScores.mutableFloats, dqRows = mp.dqRows.mutableFloats
        let scale = 1 / Float(hd).squareRoot()
        ctx.parallelFor(n * heads, minChunk: 1) { range in
            for bh in range {
                let b = bh / heads, h = bh % heads, pr = probs + bh * s, dp = dScores + bh * s, qh = q + h * hd
                let dout = dAttn + b * d + h * hd, dq = dqRows + b * d + h * hd
                var weighted: Float = 0
                for t in 0..<s {
                    let v = kv + (b * s + t) * 2 * d + d + h * hd, dv = dkv + (b * s + t) * 2 * d + d + h * hd
                    var dot: Float = 0
                    for j in 0..<hd { dot += dout[j] * v[j]; dv[j] = pr[t] * dout[j] }
                    dp[t] = dot
                    weighted += pr[t] * dot
                }
                for j in 0..<hd { dq[j] = 0 }
                for t in 0..<s {
                    let ds = pr[t] * (dp[t] - weighted) * scale
                    let k = kv + (b * s + t) * 2 * d + h * hd, dk = dkv + (b * s + t) * 2 * d + h * hd
                    for j in 0..<hd { dk[j] = ds * qh[j]; dq[j] += ds * k[j] }
                }
            }
        }
        let dq = mp.dq.mutableFloats
        for j in 0..<d { dq[j] = 0 }
        for b in 0..<n { for j in 0..<d { dq[j] += dqRows[b * d + j] } }
        LinearGrad.backward(x: w.normed.floats, dy: mp.dkv.floats, rows: n * s, k: d, n: 2 * d, weight: p.value(.mapKVWeight),
                            dW: p.grad(.mapKVWeight), db: p.grad(.mapKVBias), dx: dNormed, accumulateInput: true, context: ctx)
        LinearGrad.backward(x: p.value(.mapLatent), dy: mp.dq.floats, rows: 1, k: d, n: d, weight: p.value(.mapQWeight),
                            dW: p.grad(.mapQWeight), db: p.grad(.mapQBias), dx: p.grad(.mapLatent), accumulateInput: true)
    }
}
