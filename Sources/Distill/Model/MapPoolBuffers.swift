import Graph

/// The attention-pooling head's buffers for one batch size (`global_pool "map"`, timm
/// `AttentionPoolLatent`, SigLIP's head): its forward activations and, for a trainable model, its
/// gradient scratch. Sizes for batch N, S tokens, width D, MLP width M, heads H: `kv` and `dkv`
/// `N·S·2D` floats each, the probabilities and score gradients `N·H·S`, the rest `N·D` or `N·M`.
final class MapPoolBuffers {
    /// The query `latent·W_qᵀ + b_q`, `[D]` (one for every image).
    let q: Tensor
    /// Keys (first D columns) and values of every token, `[N·S, 2D]`.
    let kv: Tensor
    /// Attention probabilities `[N, H, S]`.
    let probs: Tensor
    /// Attention output `[N, D]`; after `proj` (the residual) `y`; after the head's norm `z`.
    let attn: Tensor, y: Tensor, z: Tensor
    /// The MLP: `fc1`'s output (its activation's derivative after the forward) and the activation, `[N, M]`.
    let fc1: Tensor, act: Tensor
    // Gradient scratch.
    let dq: Tensor, dqRows: Tensor, dkv: Tensor, dScores: Tensor, dAttn: Tensor, dY: Tensor, dZ: Tensor, dAct: Tensor

    init(config c: ViTConfig, batch n: Int, keepsActivations keep: Bool) throws {
        let s = c.numPrefixTokens + c.numPatches, d = c.embedDim, m = c.mlpHidden
        func z(_ shape: [Int]) throws -> Tensor { try Tensor(zeros: .f32, shape: shape, for: "attention-pooling activations \(shape) for batch \(n)") }
        func grad(_ shape: [Int]) throws -> Tensor { keep ? try z(shape) : try z([1]) }
        q = try z([d]); kv = try z([n * s, 2 * d]); probs = try z([n, c.numHeads, s])
        attn = try z([n, d]); y = try z([n, d]); self.z = try z([n, d]); fc1 = try z([n, m]); act = try z([n, m])
        dq = try grad([d]); dqRows = try grad([n, d]); dkv = try grad([n * s, 2 * d]); dScores = try grad([n, c.numHeads, s])
        dAttn = try grad([n, d]); dY = try grad([n, d]); dZ = try grad([n, d]); dAct = try grad([n, m])
    }

    var byteCount: Int {
        [q, kv, probs, attn, y, z, fc1, act, dq, dqRows, dkv, dScores, dAttn, dY, dZ, dAct].reduce(0) { $0 + $1.byteCount }
    }
}
