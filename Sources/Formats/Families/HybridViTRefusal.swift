/// Hybrid ViTs (timm `vit_base_r50_s16_384`, `vit_small_r26_s32_224`, `vit_tiny_r_s16_p8_224`;
/// transformers `ViTHybridModel`) run a ResNet stem and stages before the patch projection, so their
/// "patches" are backbone features (a `[D, 1024, 1, 1]` projection for R50), not pixels. vitopt
/// runs no CNN backbone: it refuses them by the backbone's names instead of misreading the
/// projection as a ViT patch embedding.
enum HybridViTRefusal {
    /// Why a checkpoint with these tensor names is refused, or `nil` when it has no CNN backbone.
    static func reason(_ names: some Collection<String>) -> String? {
        let timm = names.contains { $0.hasPrefix("patch_embed.backbone.") || $0.contains(".patch_embed.backbone.") }
        let hf = names.contains { $0.contains("embeddings.patch_embeddings.backbone.") }
        guard timm || hf else { return nil }
        let what = timm ? "a timm hybrid ViT (a ResNet backbone under patch_embed.backbone.*, e.g. vit_base_r50_s16_384)"
            : "a transformers ViTHybridModel (a BiT backbone under embeddings.patch_embeddings.backbone.*)"
        return "\(what): its patch embedding reads CNN features, not pixels; hybrid ViTs are not supported (its torch.onnx export runs in vitopt as ONNX)"
    }
}
