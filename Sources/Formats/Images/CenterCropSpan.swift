/// Where torchvision's `CenterCrop` puts a window of `crop` samples on one axis of `size` samples
/// (the rule `ImageResampler.centerCrop` applies to both axes; see its contract).
///
/// A crop no larger than the axis starts at `round((size − crop) / 2)` (Python's `round`, half to
/// even); a larger one is zero-padded by `(crop − size) // 2` before, so it starts at minus that.
struct CenterCropSpan: Equatable {
    /// The axis coordinate of the crop's first sample; negative when the crop is padded.
    let origin: Int
    /// The axis samples inside the crop, never empty: `max(0, origin)..<min(size, origin + crop)`.
    /// Crop sample `i` is axis sample `origin + i`; the others are padding (zero).
    let kept: Range<Int>

    /// - Parameters:
    ///   - size: samples on the axis, > 0.
    ///   - crop: samples in the crop, > 0.
    init(size: Int, crop: Int) {
        precondition(size > 0 && crop > 0, "center crop of \(crop) on an axis of \(size) samples")
        let origin = crop > size ? -((crop - size) / 2) : Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
        self.origin = origin
        self.kept = max(0, origin)..<min(size, origin + crop)
    }
}
