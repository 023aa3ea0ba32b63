/// The interpolation kernels vitopt reproduces from PyTorch's `F.interpolate(align_corners=False)`.
public enum InterpolationMode: String, Sendable, CaseIterable, Codable {
    /// Keys cubic convolution: A = −0.75 without antialias (`upsample_bicubic2d`), the PIL-style
    /// a = −0.5 filter with antialias (`_upsample_bicubic2d_aa`).
    case bicubic
    /// Linear (triangle) filter: `upsample_bilinear2d`, or `_upsample_bilinear2d_aa` with antialias.
    case bilinear

    /// Taps of the unscaled filter (PyTorch's `interp_size`).
    var interpSize: Int { self == .bicubic ? 4 : 2 }
}
