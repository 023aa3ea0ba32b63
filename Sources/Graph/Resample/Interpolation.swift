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

/// How the source step between output samples is derived, as in `F.interpolate`.
public enum InterpolationSizing: Sendable, Equatable {
    /// `size=(h, w)`: the source step is `input / output` on each axis.
    case size
    /// `scale_factor=((h + offset) / H, (w + offset) / W)` (DINOv2's `interpolate_offset`, 0.1): the
    /// output size is `⌊H · s⌋` (which must equal the target) and the source step is `1 / s`, not
    /// `H / h` — the offset shifts every sample slightly.
    case scaleFactor(offset: Double)
}

/// One resampling recipe: kernel, antialias, sizing semantics.
public struct Interpolation: Sendable, Equatable, CustomStringConvertible {
    public var mode: InterpolationMode
    public var antialias: Bool
    public var sizing: InterpolationSizing

    public init(mode: InterpolationMode, antialias: Bool, sizing: InterpolationSizing = .size) {
        self.mode = mode
        self.antialias = antialias
        self.sizing = sizing
    }

    public var description: String {
        var s = "\(mode.rawValue), antialias \(antialias ? "on" : "off")"
        if case .scaleFactor(let offset) = sizing { s += ", scale_factor (+\(offset))" }
        return s
    }

    /// PyTorch's `scale_factor` for an axis resampled from `input` to `output` under this sizing,
    /// or `nil` for `size` semantics.
    func scaleFactor(input: Int, output: Int) -> Double? {
        guard case .scaleFactor(let offset) = sizing else { return nil }
        return (Double(output) + offset) / Double(input)
    }
}
