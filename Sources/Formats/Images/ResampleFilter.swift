/// The resampling kernels of Pillow's `Image.resize` that ViT preprocessing uses.
///
/// Kernels are evaluated in `Double` at distance `x` measured in *input* pixels divided by the
/// downscale factor (see `ResampleWeights`), so the support widens when shrinking (antialiasing).
public enum ResampleFilter: String, CaseIterable, Sendable {
    /// Keys' cubic convolution with a = −0.5 (Pillow `BICUBIC`, torchvision `InterpolationMode.BICUBIC`
    /// on PIL images); support 2.
    case bicubic
    /// The triangle ("tent") filter (Pillow `BILINEAR`); support 1.
    case bilinear

    /// Half-width of the kernel at scale 1, in pixels.
    public var support: Double {
        switch self {
        case .bicubic: return 2
        case .bilinear: return 1
        }
    }

    /// The kernel value at signed distance `x`.
    public func weight(_ x: Double) -> Double {
        let t = abs(x)
        switch self {
        case .bicubic:
            let a = -0.5
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .bilinear:
            return t < 1 ? 1 - t : 0
        }
    }
}
