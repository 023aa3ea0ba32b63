import Graph

/// timm's `Eva` models: EVA-02 (RoPE with `ref_feat_shape`, SwiGLU, inner MLP norm, q/v biases) and
/// the timm DINOv3 ports (DINOv3 RoPE, registers, LayerScale), and EVA without RoPE. timm names
/// only (`EvaNames.timm`); transformers' DINOv3 is `DINOv3Family`.
struct EvaFamily: ModelFamily {
    let name = "eva"
    let hfModelTypes: [String] = []
    var namings: [FamilyNaming] { [EvaNames.timm] }
    func supportsPositions(_ c: ViTConfig) -> Bool { c.relativeBias == .absent }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        throw FormatError.config(path: path, detail: "timm Eva models have no transformers config")
    }

    /// What timm's `Eva` class cannot build: the pooler, a distillation token, a projection, a mask
    /// token, class+mean pooling, a patch bias together with `norm_pre` (timm drops it), and a RoPE
    /// other than its two kinds (`cat` with EVA-02's interleaved layout, `dinov3`'s halves).
    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        guard convention == .timm else { return "\(convention.rawValue) naming (timm Eva models are named by timm only)" }
        if c.pooler || c.distToken || c.projectionDim > 0 || c.maskToken { return "the pooler, a distillation token, a projection or a mask token in a timm Eva model" }
        if c.pooling == .tokenAvg { return "class-token + patch-mean pooling" }
        if c.normPre == c.patchBias { return "norm_pre \(c.normPre ? "with" : "without") a patch-embedding bias (timm's Eva drops the bias with norm_pre)" }
        if let r = c.rope, r.rotateHalf != (r.coordinates == ViTRoPE.centered) || (r.coordinates == ViTRoPE.centered && r.refGrid != nil) {
            return "a RoPE layout timm's Eva does not build (interleaved index RoPE or halves centered RoPE)"
        }
        if TimmEvaConfig.architecture(c) == nil { return "LayerNorm eps \(c.eps) (timm's Eva architectures use 1e-6, DINOv3's 1e-5)" }
        return nil
    }

    func hfConfig(_ config: ViTConfig) -> [String: Any] { [:] }
}
