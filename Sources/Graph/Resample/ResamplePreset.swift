/// How each model family resamples its position embedding for a new resolution.
///
/// | preset | kernel | antialias | sizing | reference |
/// |---|---|---|---|---|
/// | `timm` | bicubic | on | `size` | timm `resample_abs_pos_embed` defaults (also what `checkpoint_filter_fn` and `dynamic_img_size` use) |
/// | `hf` | bicubic | off | `size` | transformers 5.x `ViTEmbeddings.interpolate_pos_encoding` (older 4.x releases used the DINOv2 `+0.1` form) |
/// | `deit` | bicubic | off | `size` | DeiT `main.py` fine-tuning resize: class and distillation rows kept, `size=`, no antialias |
/// | `dinov2` | bicubic | off | `scale_factor` with +0.1 | facebookresearch/dinov2 `interpolate_pos_encoding` (`interpolate_offset=0.1`, `interpolate_antialias=False`) |
/// | `flexivit` | bilinear | off | `size` | timm's `checkpoint_filter_fn` for FlexiViT architectures (`interpolation='bilinear', antialias=False`) |
/// | `siglip2` | bilinear | on | `size` | transformers `Siglip2VisionEmbeddings.resize_positional_embeddings` (every forward pass, to the image's grid) |
///
/// The prefix rows kept unchanged always come from the model's config (class, distillation, register
/// tokens that the position embedding covers), whichever preset is chosen.
public enum ResamplePreset: String, Sendable, CaseIterable {
    case timm, hf, deit, dinov2, flexivit, siglip2

    /// The preset a model resamples with unless told: the one its config names
    /// (`ViTConfig.positionResample`), else transformers' for Hugging Face naming and timm's for the
    /// others (OpenCLIP's `resize_pos_embed` is timm's: bicubic with antialias).
    public static func preferred(for config: ViTConfig, huggingFace: Bool) -> ResamplePreset {
        config.positionResample.flatMap(ResamplePreset.init(rawValue:)) ?? (huggingFace ? .hf : .timm)
    }

    /// The preset's interpolation.
    public var interpolation: Interpolation {
        switch self {
        case .timm: return Interpolation(mode: .bicubic, antialias: true)
        case .hf, .deit: return Interpolation(mode: .bicubic, antialias: false)
        case .dinov2: return Interpolation(mode: .bicubic, antialias: false, sizing: .scaleFactor(offset: 0.1))
        case .flexivit: return Interpolation(mode: .bilinear, antialias: false)
        case .siglip2: return Interpolation(mode: .bilinear, antialias: true)
        }
    }

    /// The implementation this preset reproduces.
    public var reference: String {
        switch self {
        case .timm: return "timm resample_abs_pos_embed (bicubic, antialias=True)"
        case .hf: return "transformers 5.x ViT interpolate_pos_encoding (bicubic, size=, no antialias)"
        case .deit: return "DeiT fine-tuning resize (bicubic, size=, no antialias, class + distillation rows kept)"
        case .dinov2: return "DINOv2 interpolate_pos_encoding (bicubic, scale_factor=(h+0.1)/H, no antialias)"
        case .flexivit: return "timm checkpoint_filter_fn for FlexiViT (bilinear, size=, no antialias)"
        case .siglip2: return "transformers Siglip2VisionEmbeddings.resize_positional_embeddings (bilinear, size=, antialias)"
        }
    }

    /// `interpolation` with the user's overrides applied.
    public func interpolation(mode: InterpolationMode?, antialias: Bool?) -> Interpolation {
        var i = interpolation
        if let m = mode { i.mode = m }
        if let a = antialias { i.antialias = a }
        return i
    }
}
