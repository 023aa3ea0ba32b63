/// Checkpoints of ViT families vitopt recognises but cannot run yet, told apart by their tensor
/// names so that they are refused by what they are instead of by a missing or misshapen tensor
/// (or, worse, carried through as unused extras while the model runs without them).
enum UnsupportedFamilies {
    /// Why the checkpoint with these tensor names is not supported, or `nil`.
    static func reason(_ names: some Collection<String>) -> String? {
        // timm Eva options vitopt does not compute: a norm inside attention (EVA-02 CLIP's
        // scale_attn_inner), per-head q/k norms, gated attention, learned (mixed) RoPE frequencies.
        let evaOptions: [(String, String)] = [
            (".attn.norm.", "a LayerNorm inside attention (timm scale_attn_inner)"), (".attn.q_norm.", "q/k norms (timm qk_norm)"),
            (".attn.gate.", "gated attention (timm gated_attn)"), ("rope.freqs", "learned RoPE frequencies (timm rope_type='mixed')"),
        ]
        for (marker, what) in evaOptions where names.contains(where: { $0.contains(marker) }) {
            return "a timm Eva model with \(what): not supported; its ONNX export runs in vitopt (vitopt run model.onnx)"
        }
        return nil
    }
}
