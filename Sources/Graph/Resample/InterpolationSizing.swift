/// How the source step between output samples is derived, as in `F.interpolate`.
public enum InterpolationSizing: Sendable, Equatable {
    /// `size=(h, w)`: the source step is `input / output` on each axis.
    case size
    /// `scale_factor=((h + offset) / H, (w + offset) / W)` (DINOv2's `interpolate_offset`, 0.1): the
    /// output size is `⌊H · s⌋` (which must equal the target) and the source step is `1 / s`, not
    /// `H / h` — the offset shifts every sample slightly.
    case scaleFactor(offset: Double)
}
