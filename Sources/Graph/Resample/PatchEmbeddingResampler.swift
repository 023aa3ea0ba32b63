/// FlexiViT's patch-embedding resize: new kernels `ŵ = pinv(Rᵀ) · w` for the resize matrix `R` of
/// an `Interpolation` (timm `resample_patch_embed`), so that `⟨resize(x), ŵ⟩ = ⟨x, w⟩` for every
/// patch `x` when the patch grows.
///
/// `R` maps a `ph × pw` patch to `ph' × pw'` (`[ph'·pw', ph·pw]`, what resizing each basis patch
/// gives). Resizing is separable, so `R = R_h ⊗ R_w` and `pinv(R) = pinv(R_h) ⊗ pinv(R_w)`: the
/// pseudo-inverses are taken of the small axis matrices (`PseudoInverse`, Jacobi SVD in `Double`)
/// and applied as `ŵ = P_hᵀ · w · P_w` per output/input channel, in `Double`, rounded once.
/// timm forms the full matrix and inverts it in float32; against that the difference is timm's
/// fp32 error (measured in the tests), against the same computation in float64 it is ~1e-12.
/// Sizing is always `size=` (a scale-factor offset has no meaning for a kernel).
public enum PatchEmbeddingResampler {
    /// - Parameters:
    ///   - weight: `[D, C, ph, pw]`.
    ///   - patch: the new `[ph', pw']`.
    /// - Throws: `ResampleError.unsupported` for a tensor that is not a 4-D float kernel.
    public static func resample(_ weight: Tensor, to patch: [Int], mode: InterpolationMode, antialias: Bool,
                                name: String = "patch_embed.weight") throws -> Tensor {
        guard weight.rank == 4 else {
            throw ResampleError.unsupported(tensor: name, detail: "expected a 4-D [D, C, ph, pw] kernel, got \(weight.shape)")
        }
        guard patch.count == 2, patch.allSatisfy({ $0 > 0 }) else {
            throw ResampleError.badPatchSize(patch: patch, detail: "must be two positive sizes")
        }
        let (ph, pw) = (weight.shape[2], weight.shape[3])
        if [ph, pw] == patch { return weight }
        let (nh, nw) = (patch[0], patch[1])
        // Axis resize matrices [new, old] and their pseudo-inverses [old, new].
        let rh = InterpolationWeights(input: ph, output: nh, mode: mode, antialias: antialias)
        let rw = InterpolationWeights(input: pw, output: nw, mode: mode, antialias: antialias)
        let pH = PseudoInverse.of(rh.matrix, rows: nh, cols: ph)
        let pW = PseudoInverse.of(rw.matrix, rows: nw, cols: pw)
        let values = try EmbeddingValues.read(weight, name: name)
        let kernels = weight.shape[0] * weight.shape[1]
        var out = [Double](repeating: 0, count: kernels * nh * nw)
        var mid = [Double](repeating: 0, count: ph * nw)
        for k in 0..<kernels {
            let src = k * ph * pw, dst = k * nh * nw
            // mid[i, x] = Σⱼ w[i, j] · P_w[j, x]
            for i in 0..<ph {
                for x in 0..<nw {
                    var s = 0.0
                    for j in 0..<pw { s += values[src + i * pw + j] * pW[j * nw + x] }
                    mid[i * nw + x] = s
                }
            }
            // ŵ[y, x] = Σᵢ P_h[i, y] · mid[i, x]
            for y in 0..<nh {
                for x in 0..<nw {
                    var s = 0.0
                    for i in 0..<ph { s += pH[i * nh + y] * mid[i * nw + x] }
                    out[dst + y * nw + x] = s
                }
            }
        }
        return EmbeddingValues.tensor(out, shape: [weight.shape[0], weight.shape[1], nh, nw], like: weight.dtype)
    }
}
