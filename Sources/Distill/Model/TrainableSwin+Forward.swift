import Graph

extension TrainableSwin {
    /// Runs the forward pass on `x[N, C, H, W]` and keeps the activations for `backward`. The returned
    /// logits (a headless model: the mean of the final norm's tokens, `pooler_output`) live in the
    /// workspace and are overwritten by the next call.
    /// - Throws: `DistillError.mismatch` when `x` does not fit the model; `TensorError` when the
    ///   activations for this batch size do not fit in memory.
    public func forward(_ x: Tensor) throws -> TrainableViT.Output {
        let c = config
        guard x.rank == 4, x.shape[1] == c.channels, x.shape[2] == c.imageSize[0], x.shape[3] == c.imageSize[1], x.shape[0] > 0 else {
            throw DistillError.mismatch("input \(x.shape) does not fit the Swin student (N×\(c.channels)×\(c.imageSize[0])×\(c.imageSize[1]))")
        }
        BLAS.setThreads(1)
        let n = x.shape[0], w = try workspace(for: n), p = parameters, ctx = context, eps = Float(c.eps)
        let d0 = c.embedDim, r0 = stages[0].rows(n)
        let input = x.asF32()
        profile.measure("forward.embed") {
            KernelMath.im2col(input.floats, n: n, channels: c.channels, height: c.imageSize[0], width: c.imageSize[1],
                              patch: (c.patchSize, c.patchSize), into: w.patches.mutableFloats, context: ctx)
            LinearGrad.forward(x: w.patches.floats, rows: r0, k: w.patches.shape[1], weight: p.value("patch_embed.proj.weight"), n: d0,
                               bias: p.value("patch_embed.proj.bias"), into: w.patchOut.mutableFloats, context: ctx)
            KernelMath.layerNorm(w.patchOut.floats, rows: r0, width: d0, gamma: p.value("patch_embed.norm.weight"),
                                 beta: p.value("patch_embed.norm.bias"), epsilon: eps, into: w.xIn[0].mutableFloats, context: ctx)
        }
        for (s, st) in stages.enumerated() {
            if s > 0 {
                profile.measure("forward.merge") {
                    let prev = stages[s - 1], r = st.rows(n), pre = "layers.\(s).downsample."
                    merge(w.stageOut[s - 1].floats, w.merged[s].mutableFloats, grid: prev.grid, channels: prev.width, batch: n)
                    KernelMath.layerNorm(w.merged[s].floats, rows: r, width: 2 * st.width, gamma: p.value(pre + "norm.weight"),
                                         beta: p.value(pre + "norm.bias"), epsilon: eps, into: w.mergeNormed[s].mutableFloats, context: ctx)
                    LinearGrad.forward(x: w.mergeNormed[s].floats, rows: r, k: 2 * st.width, weight: p.value(pre + "reduction.weight"), n: st.width,
                                       bias: nil, into: w.xIn[st.firstBlock].mutableFloats, context: ctx)
                }
            }
            for b in 0..<st.depth { blockForward(w, stage: s, block: b, batch: n) }
        }
        let last = stages[stages.count - 1], r = last.rows(n), d = last.width
        profile.measure("forward.head") {
            KernelMath.layerNorm(w.stageOut[stages.count - 1].floats, rows: r, width: d, gamma: p.value("norm.weight"), beta: p.value("norm.bias"),
                                 epsilon: eps, into: w.normed.mutableFloats, context: ctx)
            let src = w.normed.floats, pooled = w.pooled.mutableFloats, t = last.tokens
            for b in 0..<n {
                let out = pooled + b * d
                for j in 0..<d { out[j] = 0 }
                for i in 0..<t { let row = src + (b * t + i) * d; for j in 0..<d { out[j] += row[j] } }
                for j in 0..<d { out[j] /= Float(t) }
            }
            if c.numClasses > 0 {
                LinearGrad.forward(x: w.pooled.floats, rows: n, k: d, weight: p.value("head.fc.weight"), n: c.numClasses,
                                   bias: p.value("head.fc.bias"), into: w.logits.mutableFloats, context: ctx)
            } else {
                w.logits.mutableFloats.update(from: w.pooled.floats, count: n * d)
            }
        }
        return TrainableViT.Output(logits: w.logits, distLogits: nil)
    }

    /// One block: `x_mid = x + proj(attn(qkv(ln1(x))))`, `x_out = x_mid + fc2(gelu(fc1(ln2(x_mid))))`.
    private func blockForward(_ w: SwinWorkspace, stage s: Int, block b: Int, batch n: Int) {
        let st = stages[s], k = st.firstBlock + b, r = st.rows(n), d = st.width, m = st.hidden, p = parameters, ctx = context
        let eps = Float(config.eps), pre = SwinStagePlan.blockPrefix(s, b), order = st.order[b % 2]
        let next = b + 1 < st.depth ? w.xIn[k + 1].mutableFloats : w.stageOut[s].mutableFloats
        profile.measure("forward.linear") {
            KernelMath.layerNorm(w.xIn[k].floats, rows: r, width: d, gamma: p.value(pre + "norm1.weight"), beta: p.value(pre + "norm1.bias"),
                                 epsilon: eps, into: w.ln1[k].mutableFloats, context: ctx)
            LinearGrad.forward(x: w.ln1[k].floats, rows: r, k: d, weight: p.value(pre + "attn.qkv.weight"), n: 3 * d,
                               bias: config.qkvBias ? p.value(pre + "attn.qkv.bias") : nil, into: w.qkvGrid.mutableFloats, context: ctx)
        }
        profile.measure("forward.attn") {
            gather(w.qkvGrid.floats, into: w.qkvW[k].mutableFloats, order: order, batch: n, width: 3 * d)
            WindowAttentionGrad.forward(qkv: w.qkvW[k].floats, geometry: st.geometry(block: b, batch: n), table: p.value(pre + "attn.relative_position_bias_table"),
                                        probs: w.probs[k].mutableFloats, out: w.window.mutableFloats, scratch: w.attnScratch.mutableFloats, context: ctx)
            scatter(w.window.floats, into: w.attnOut[k].mutableFloats, order: order, batch: n, width: d)
        }
        profile.measure("forward.linear") {
            LinearGrad.forward(x: w.attnOut[k].floats, rows: r, k: d, weight: p.value(pre + "attn.proj.weight"), n: d, bias: p.value(pre + "attn.proj.bias"),
                               residual: w.xIn[k].floats, into: w.xMid[k].mutableFloats, context: ctx)
            KernelMath.layerNorm(w.xMid[k].floats, rows: r, width: d, gamma: p.value(pre + "norm2.weight"), beta: p.value(pre + "norm2.bias"),
                                 epsilon: eps, into: w.ln2[k].mutableFloats, context: ctx)
            LinearGrad.forward(x: w.ln2[k].floats, rows: r, k: d, weight: p.value(pre + "mlp.fc1.weight"), n: m, bias: p.value(pre + "mlp.fc1.bias"),
                               into: w.fc1[k].mutableFloats, context: ctx)
        }
        profile.measure("forward.gelu") {
            ActivationGrad.forward(.gelu, w.fc1[k].mutableFloats, act: w.act[k].mutableFloats, rows: r, hidden: m, keepDerivative: true, context: ctx)
        }
        profile.measure("forward.linear") {
            LinearGrad.forward(x: w.act[k].floats, rows: r, k: m, weight: p.value(pre + "mlp.fc2.weight"), n: d, bias: p.value(pre + "mlp.fc2.bias"),
                               residual: w.xMid[k].floats, into: next, context: ctx)
        }
    }
}
