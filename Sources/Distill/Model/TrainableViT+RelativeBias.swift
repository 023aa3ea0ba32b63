import Formats
import Graph

/// BEiT's relative position bias in training: the tables (one per block, or one shared by every block,
/// `[R, H]` with `R = (2·Gh−1)(2·Gw−1) + 3`) gathered into the `[H, T, T]` score bias by the index
/// `ViTRelativePositionBias.index` computes from the grid (`ActivationWorkspace.relativeIndex`), and the
/// gradient scattered back; and the key bias of families that have none (fixed at zero).
extension TrainableViT {
    /// The table block `b` adds to its scores, or nil when the model has no relative position bias.
    func relativeBiasKey(block b: Int) -> ViTTensorKey? {
        switch config.relativeBias {
        case .perBlock: return ViTTensorKey(.relativeBiasTable, block: b)
        case .shared: return ViTTensorKey(.sharedRelativeBiasTable)
        default: return nil
        }
    }

    /// `w.relativeBias[h, i, j] = table[index[i, j], h]` (an exact gather; each head is one thread's
    /// contiguous slice).
    func expandRelativeBias(_ table: UnsafePointer<Float>, _ w: ActivationWorkspace) {
        let heads = config.numHeads, t = tokens, out = w.relativeBias.mutableFloats
        w.relativeIndex.withUnsafeBufferPointer { index in
            context.parallelFor(heads) { hs in
                for h in hs {
                    for i in 0..<t {
                        let o = out + (h * t + i) * t
                        for j in 0..<t { o[j] = table[Int(index[i * t + j]) * heads + h] }
                    }
                }
            }
        }
    }

    /// Adds the gradient of block `b`'s table: `dB[h, i, j] = Σ_n dS[n, h, i, j]` (images in order,
    /// rows of `dB` split across threads), then `dTable[index[i, j], h] += dB[h, i, j]` in (i, j) order, one
    /// head per thread (every head writes its own column). No two threads write one float and every sum
    /// runs in a fixed order, so the gradient repeats bit for bit with any thread count.
    /// - Parameters: `dScores`: `[N·H, T, T]`, ∂loss/∂scores of the block (`AttentionGrad.backward`).
    func relativeBiasBackward(_ w: ActivationWorkspace, dScores: UnsafePointer<Float>, block b: Int) {
        guard let key = relativeBiasKey(block: b) else { return }
        let heads = config.numHeads, t = tokens, n = w.batch
        let dB = w.dRelativeBias.mutableFloats, dTable = parameters.grad(key)
        context.parallelFor(heads * t, minChunk: 4) { rows in
            for r in rows {
                let o = dB + r * t
                let h = r / t, i = r % t
                o.update(from: dScores + (h * t + i) * t, count: t)
                for image in 1..<max(1, n) {
                    let g = dScores + ((image * heads + h) * t + i) * t
                    for j in 0..<t { o[j] += g[j] }
                }
            }
        }
        w.relativeIndex.withUnsafeBufferPointer { index in
            context.parallelFor(heads) { hs in
                for h in hs {
                    for i in 0..<t {
                        let g = dB + (h * t + i) * t
                        for j in 0..<t { dTable[Int(index[i * t + j]) * heads + h] += g[j] }
                    }
                }
            }
        }
    }

    /// Whether the packed qkv bias has a key third that is not a parameter (`ViTConfig.keyBiasIsFixedAtZero`:
    /// BEiT, Data2Vec-vision): it is kept at exactly zero — set so at the start, its gradient cleared after
    /// every backward, so AdamW's moments stay zero and the step is zero (1-D: never decayed).
    var keyBiasFixed: Bool { config.qkvBias && config.keyBiasIsFixedAtZero }

    /// Zeroes the key third (`[D, 2D)`) of every block's packed qkv bias in `buffer` (values or gradients).
    func zeroKeyBias(in buffer: Tensor, block: Int? = nil) {
        let d = config.embedDim
        for b in block.map({ [$0] }) ?? Array(0..<config.depth) {
            guard let e = parameters.entry(ViTTensorKey(.qkvBias, block: b)) else { continue }
            let k = buffer.mutableFloats + e.offset + d
            for j in 0..<d { k[j] = 0 }
        }
    }
}
