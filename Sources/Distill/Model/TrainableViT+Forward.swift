#if canImport(Glibc)
import Glibc
#endif
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
    /// Work is split across `context.threads` (rows of each GEMM, attention heads, elementwise
    /// chunks) with OpenBLAS held at one thread; the result does not depend on the thread count
    /// beyond the fp32 rounding of OpenBLAS's kernels.
    /// - Throws: `DistillError.mismatch` when `x` does not fit the model; `TensorError` when the
    ///   activations for this batch size do not fit in memory.
    public func forward(_ x: Tensor) throws -> Output {
        let c = config
        guard x.rank == 4, x.shape[1] == c.channels, x.shape[2] == c.imageSize[0], x.shape[3] == c.imageSize[1], x.shape[0] > 0 else {
            throw DistillError.mismatch("input \(x.shape) does not fit the student (N×\(c.channels)×\(c.imageSize[0])×\(c.imageSize[1]))")
        }
        BLAS.setThreads(1)
        let n = x.shape[0], w = try workspace(for: n), p = parameters, ctx = context, prof = profile
        let d = c.embedDim, s = tokens, r = n * s, np = c.numPatches, m = c.mlpHidden
        let input = x.asF32()
        prof.measure("forward.embed") {
            KernelMath.im2col(input.floats, n: n, channels: c.channels, height: c.imageSize[0], width: c.imageSize[1],
                              patch: (c.patchSize[0], c.patchSize[1]), into: w.patches.mutableFloats, context: ctx)
            LinearGrad.forward(x: w.patches.floats, rows: n * np, k: w.patches.shape[1], weight: p.value(.patchWeight), n: d,
                               bias: c.patchBias ? p.value(.patchBias) : nil, into: w.patchOut.mutableFloats, context: ctx)
            embed(w, n: n)
            if c.normPre {
                KernelMath.layerNorm(w.embedded.floats, rows: r, width: d, gamma: p.value(.normPreWeight), beta: p.value(.normPreBias),
                                     epsilon: Float(c.eps), into: w.stream(0).mutableFloats, context: ctx)  // tensor-lifetime: the workspace holds xIn
            }
        }
        let eps = Float(c.eps)
        let activation = c.mlpActivation ?? .gelu
        let shape = AttentionGrad.Shape(batch: n, tokens: s, width: d, heads: c.numHeads)
        if c.relativeBias == .shared { expandRelativeBias(p.value(.sharedRelativeBiasTable), w) }
        for b in 0..<c.depth {
            let sb = w.slot(b)
            let xin = w.stream(b).floats, mid = w.xMid[sb].mutableFloats  // tensor-lifetime: the workspace holds xIn
            let next = b + 1 < c.depth ? w.stream(b + 1).mutableFloats : w.xOut.mutableFloats  // tensor-lifetime: the workspace holds xIn
            prof.measure("forward.linear") {
                KernelMath.layerNorm(xin, rows: r, width: d, gamma: p.value(.norm1Weight, b), beta: p.value(.norm1Bias, b), epsilon: eps,
                                     into: w.ln1[sb].mutableFloats, context: ctx)
                LinearGrad.forward(x: w.ln1[sb].floats, rows: r, k: d, weight: p.value(.qkvWeight, b), n: 3 * d,
                                   bias: c.qkvBias ? p.value(.qkvBias, b) : nil, into: w.qkv[sb].mutableFloats, context: ctx)
            }
            prof.measure("forward.attn") {
                if c.relativeBias == .perBlock { expandRelativeBias(p.value(.relativeBiasTable, b), w) }
                AttentionGrad.forward(qkv: w.qkv[sb].floats, shape: shape, probs: w.probs[sb].mutableFloats, out: w.attnOut[sb].mutableFloats,
                                      scratch: w.dAttn.mutableFloats, bias: c.relativeBias == .absent ? nil : w.relativeBias.floats, context: ctx)
            }
            prof.measure("forward.linear") {
                residualBranch(w.attnOut[sb].floats, k: d, weight: p.value(.projWeight, b), bias: p.value(.projBias, b),
                               scale: c.layerScale ? p.value(.ls1, b) : nil, branch: c.layerScale ? w.attnBranch[sb].mutableFloats : nil,
                               residual: xin, into: mid, rows: r)
                KernelMath.layerNorm(mid, rows: r, width: d, gamma: p.value(.norm2Weight, b), beta: p.value(.norm2Bias, b), epsilon: eps,
                                     into: w.ln2[sb].mutableFloats, context: ctx)
                LinearGrad.forward(x: w.ln2[sb].floats, rows: r, k: d, weight: p.value(.fc1Weight, b), n: c.fc1Rows, bias: p.value(.fc1Bias, b),
                                   into: w.fc1[sb].mutableFloats, context: ctx)
            }
            prof.measure("forward.gelu") {
                ActivationGrad.forward(activation, w.fc1[sb].mutableFloats, act: w.act[sb].mutableFloats, rows: r, hidden: m,
                                       keepDerivative: w.keepsActivations, context: ctx)
            }
            prof.measure("forward.linear") {
                residualBranch(w.act[sb].floats, k: m, weight: p.value(.fc2Weight, b), bias: p.value(.fc2Bias, b),
                               scale: c.layerScale ? p.value(.ls2, b) : nil, branch: c.layerScale ? w.mlpBranch[sb].mutableFloats : nil,
                               residual: mid, into: next, rows: r)
            }
        }
        prof.measure("forward.head") {
            if c.finalNorm {
                KernelMath.layerNorm(w.xOut.floats, rows: r, width: d, gamma: p.value(.normWeight), beta: p.value(.normBias), epsilon: eps,
                                     into: w.normed.mutableFloats, context: ctx)
            }
            pool(w, n: n)
            if c.fcNorm {
                KernelMath.layerNorm(w.pooledRaw.floats, rows: n, width: d, gamma: p.value(.fcNormWeight), beta: p.value(.fcNormBias),
                                     epsilon: eps, into: w.pooled.mutableFloats, context: ctx)
            }
            let pw = c.pooledWidth
            if c.numClasses > 0 {
                BLAS.linear(w.pooled.floats, rows: n, k: pw, weight: p.value(.headWeight), n: c.numClasses, bias: p.value(.headBias),
                            into: w.logits.mutableFloats)
            } else if c.projectionDim > 0 {
                BLAS.linear(w.pooled.floats, rows: n, k: pw, weight: p.value(.imageProjection), n: c.projectionDim, bias: nil,
                            into: w.logits.mutableFloats)
            } else if c.pooler {
                BLAS.linear(w.pooled.floats, rows: n, k: d, weight: p.value(.poolerWeight), n: d, bias: p.value(.poolerBias),
                            into: w.logits.mutableFloats)
                let y = w.logits.mutableFloats
                for i in 0..<(n * d) { y[i] = tanhf(y[i]) }
            } else {
                w.logits.mutableFloats.update(from: w.pooled.floats, count: n * pw)
            }
            if c.distToken {
                BLAS.linear(w.pooledDist.floats, rows: n, k: d, weight: p.value(.headDistWeight), n: c.numClasses,
                            bias: p.value(.headDistBias), into: w.logitsDist.mutableFloats)
            }
        }
        return Output(logits: w.logits, distLogits: c.distToken ? w.logitsDist : nil)
    }

    /// `out = residual + branch`, `branch = x·Wᵀ + b`, scaled per channel first with LayerScale
    /// (`scale`, the unscaled branch then kept in `branch` for the backward).
    private func residualBranch(_ x: UnsafePointer<Float>, k: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                scale: UnsafePointer<Float>?, branch: UnsafeMutablePointer<Float>?, residual: UnsafePointer<Float>,
                                into out: UnsafeMutablePointer<Float>, rows r: Int) {
        let d = config.embedDim
        guard let scale, let branch else {
            LinearGrad.forward(x: x, rows: r, k: k, weight: weight, n: d, bias: bias, residual: residual, into: out, context: context)
            return
        }
        LinearGrad.forward(x: x, rows: r, k: k, weight: weight, n: d, bias: bias, into: branch, context: context)
        context.parallelFor(r, minChunk: 64) { range in
            for row in range {
                let o = out + row * d, y = branch + row * d, res = residual + row * d
                for j in 0..<d { o[j] = res[j] + scale[j] * y[j] }
            }
        }
    }

    /// Prefix tokens (class, dist, registers) and position embedding (when the model has one) into `xIn[0]`.
    private func embed(_ w: ActivationWorkspace, n: Int) {
        let c = config, d = c.embedDim, s = tokens, prefix = c.numPrefixTokens, np = c.numPatches
        let x0 = c.normPre ? w.embedded.mutableFloats : w.stream(0).mutableFloats, patch = w.patchOut.floats  // tensor-lifetime: the workspace holds xIn
        let pos = c.absolutePositions ? UnsafePointer(parameters.value(.posEmbed)) : nil
        let tokenRows = prefixTokenRows()
        let start = c.posEmbedIncludesPrefix ? 0 : prefix
        context.parallelFor(n, minChunk: 4) { range in
            for b in range {
                let seq = x0 + b * s * d
                for (i, row) in tokenRows.enumerated() { (seq + i * d).update(from: row, count: d) }
                (seq + prefix * d).update(from: patch + b * np * d, count: np * d)
                if let pos { self.add(seq + start * d, pos, count: (s - start) * d) }
            }
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

    /// Token (row 0), average (patch tokens, ascending), token_avg (row 0, then the patch average:
    /// `2·D` wide) or attention (`attentionPoolForward`) pooling of `normed` into `pooledRaw`; the distillation token (row 1) into `pooledDist`.
    private func pool(_ w: ActivationWorkspace, n: Int) {
        let c = config, d = c.embedDim, s = tokens, src = w.normed.floats, pw = c.pooledWidth
        let pooled = w.pooledRaw.mutableFloats, pooling = c.pooling ?? .token
        if pooling == .map { attentionPoolForward(w, n: n); return }
        for b in 0..<n {
            let seq = src + b * s * d, row0 = pooled + b * pw
            if pooling == .token || pooling == .tokenAvg { row0.update(from: seq, count: d) }
            if pooling == .avg || pooling == .tokenAvg {
                let out = pooling == .avg ? row0 : row0 + d
                for j in 0..<d { out[j] = 0 }
                for t in c.numPrefixTokens..<s { let row = seq + t * d; for j in 0..<d { out[j] += row[j] } }
                let count = Float(s - c.numPrefixTokens)
                for j in 0..<d { out[j] /= count }
            }
            if c.distToken { (w.pooledDist.mutableFloats + b * d).update(from: seq + d, count: d) }
        }
    }

    @inline(__always)
    func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }
}
