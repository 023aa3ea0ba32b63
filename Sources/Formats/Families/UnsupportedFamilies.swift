/// Checkpoints of ViT families vitopt recognises but cannot run yet, told apart by their tensor
/// names so that they are refused by what they are instead of by a missing or misshapen tensor.
enum UnsupportedFamilies {
    /// Why the checkpoint with these tensor names is not supported, or `nil`.
    static func reason(_ names: some Collection<String>) -> String? {
        // timm's Eva (EVA-02, DINOv3 ports): separate q/v biases beside a bias-free qkv, gamma_1/2 LayerScale, RoPE.
        // (BEiT has the first two too, with its relative position bias tables.)
        let beit = names.contains { $0.hasSuffix("relative_position_bias_table") }
        let timmEva = !beit && names.contains { $0.hasSuffix(".attn.q_bias") || $0.hasSuffix(".gamma_1") || $0.hasSuffix(".mlp.fc1_g.weight") }
        // transformers' DINOv3ViTModel: o_proj / up_proj names and RoPE.
        let hfDINOv3 = names.contains { $0.contains("attention.o_proj.") || $0.contains("rope_embeddings") }
        guard timmEva || hfDINOv3 else { return nil }
        return "\(timmEva ? "a timm Eva model (EVA-02, DINOv3)" : "a transformers DINOv3ViTModel"): rotary position embeddings (RoPE) are not supported yet; its ONNX export runs in vitopt (vitopt run model.onnx)"
    }
}
