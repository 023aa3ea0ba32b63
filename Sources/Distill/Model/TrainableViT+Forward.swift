import Graph

extension TrainableViT {
    /// The logits of one training forward pass.
    public struct Output {
        /// `[N, classes]`: the class-token head (or the only head).
        public let logits: Tensor
        /// `[N, classes]` from `head_dist` on the distillation token, when the model has one.
        public let distLogits: Tensor?
    }

    /// Runs the forward pass on `x[N, C, H, W]` and keeps the activations for `backward`.
    /// The returned tensors live in the workspace and are overwritten by the next call.
    /// - Throws: `DistillError.mismatch` when `x` does not fit the model.
    public func forward(_ x: Tensor) throws -> Output {
        let c = config
        guard x.rank == 4, x.shape[1] == c.channels, x.shape[2] == c.imageSize[0], x.shape[3] == c.imageSize[1], x.shape[0] > 0 else {
            throw DistillError.mismatch("input \(x.shape) does not fit the student (N×\(c.channels)×\(c.imageSize[0])×\(c.imageSize[1]))")
        }
        BLAS.setThreads(context.threads)
        let n = x.shape[0], w = workspace(for: n), p = parameters, ctx = context
        let d = c.embedDim, s = tokens, r = n * s, np = c.numPatches, prefix = c.numPrefixTokens, m = c.mlpHidden
        let input = x.asF32()
        KernelMath.im2col(input.floats, n: n, channels: c.channels, height: c.imageSize[0], width: c.imageSize[1],
                          patch: (c.patchSize[0], c.patchSize[1]), into: w.patches.mutableFloats, context: ctx)
        let kdim = w.patches.shape[1]
        BLAS.linear(w.patches.floats, rows: n * np, k: kdim, weight: p.value(.patchWeight), n: d, bias: p.value(.patchBias),
                    into: w.patchOut.mutableFloats)
        embed(w, n: n)
        let eps = Float(c.eps)
        let shape = AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads)
        for b in 0..<c.depth {
            let xin = w.xIn[b].floats
            KernelMath.layerNorm(xin, rows: r, width: d, gamma: p.value(.norm1Weight, b), beta: p.value(.norm1Bias, b), epsilon: eps,
                                 into: w.ln1[b].mutableFloats, context: ctx)
            BLAS.linear(w.ln1[b].floats, rows: r, k: d, weight: p.value(.qkvWeight, b), n: 3 * d,
                        bias: c.qkvBias ? p.value(.qkvBias, b) : nil, into: w.qkv[b].mutableFloats)
            AttentionGrad.forward(qkv: w.qkv[b].floats, shape: shape, probs: w.probs[b].mutableFloats, out: w.attnOut[b].mutableFloats,
                                  context: ctx)
            let mid = w.xMid[b].mutableFloats
            BLAS.linear(w.attnOut[b].floats, rows: r, k: d, weight: p.value(.projWeight, b), n: d, bias: p.value(.projBias, b), into: mid)
            add(mid, xin, count: r * d)
            KernelMath.layerNorm(mid, rows: r, width: d, gamma: p.value(.norm2Weight, b), beta: p.value(.norm2Bias, b), epsilon: eps,
                                 into: w.ln2[b].mutableFloats, context: ctx)
            BLAS.linear(w.ln2[b].floats, rows: r, k: d, weight: p.value(.fc1Weight, b), n: m, bias: p.value(.fc1Bias, b),
                        into: w.fc1[b].mutableFloats)
            let pre = w.fc1[b].floats, act = w.act[b].mutableFloats
            ctx.parallelFor(r * m, minChunk: 1 << 14) { range in
                VectorMath.gelu(pre + range.lowerBound, act + range.lowerBound, count: range.count)
            }
            let next = b + 1 < c.depth ? w.xIn[b + 1].mutableFloats : w.xOut.mutableFloats
            BLAS.linear(w.act[b].floats, rows: r, k: m, weight: p.value(.fc2Weight, b), n: d, bias: p.value(.fc2Bias, b), into: next)
            add(next, mid, count: r * d)
        }
        if c.finalNorm {
            KernelMath.layerNorm(w.xOut.floats, rows: r, width: d, gamma: p.value(.normWeight), beta: p.value(.normBias), epsilon: eps,
                                 into: w.normed.mutableFloats, context: ctx)
        }
        pool(w, n: n)
        BLAS.linear(w.pooled.floats, rows: n, k: d, weight: p.value(.headWeight), n: c.numClasses, bias: p.value(.headBias),
                    into: w.logits.mutableFloats)
        if c.distToken {
            BLAS.linear(w.pooledDist.floats, rows: n, k: d, weight: p.value(.headDistWeight), n: c.numClasses,
                        bias: p.value(.headDistBias), into: w.logitsDist.mutableFloats)
        }
        return Output(logits: w.logits, distLogits: c.distToken ? w.logitsDist : nil)
    }

    /// Prefix tokens (class, dist, registers) and position embedding into `xIn[0]` (or `xOut` at depth 0).
    private func embed(_ w: ActivationWorkspace, n: Int) {
        let c = config, d = c.embedDim, s = tokens, prefix = c.numPrefixTokens, np = c.numPatches
        let x0 = w.xIn[0].mutableFloats, pos = parameters.value(.posEmbed), patch = w.patchOut.floats
        let tokenRows = prefixTokenRows()
        for b in 0..<n {
            let seq = x0 + b * s * d
            for (i, row) in tokenRows.enumerated() { (seq + i * d).update(from: row, count: d) }
            (seq + prefix * d).update(from: patch + b * np * d, count: np * d)
            let start = c.posEmbedIncludesPrefix ? 0 : prefix
            add(seq + start * d, pos, count: (s - start) * d)
        }
    }

    /// Pointers to each prefix token's row, in order (class, dist, registers).
    func prefixTokenRows() -> [UnsafeMutablePointer<Float>] {
        let c = config, d = c.embedDim, p = parameters
        var rows: [UnsafeMutablePointer<Float>] = []
        if c.classToken { rows.append(p.value(.clsToken)) }
        if c.distToken { rows.append(p.value(.distToken)) }
        for i in 0..<c.regTokens { rows.append(p.value(.regToken) + i * d) }
        return rows
    }

    private func pool(_ w: ActivationWorkspace, n: Int) {
        let c = config, d = c.embedDim, s = tokens, src = w.normed.floats
        let pooled = w.pooled.mutableFloats
        for b in 0..<n {
            let seq = src + b * s * d, out = pooled + b * d
            if c.globalPool == "avg" {
                for j in 0..<d { out[j] = 0 }
                for t in c.numPrefixTokens..<s { let row = seq + t * d; for j in 0..<d { out[j] += row[j] } }
                let count = Float(s - c.numPrefixTokens)
                for j in 0..<d { out[j] /= count }
            } else {
                out.update(from: seq, count: d)
            }
            if c.distToken { (w.pooledDist.mutableFloats + b * d).update(from: seq + d, count: d) }
        }
    }

    @inline(__always)
    func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }
}
