/// Pillow-compatible resizing and torchvision-compatible center cropping, in `Float`.
///
/// **Resize contract.** `resize` reproduces Pillow's `Image.resize(size, filter)` (no `box`, no
/// `reducing_gap`): separable passes, horizontal first then vertical, each output a normalised
/// weighted sum of inputs (`ResampleWeights`: support scaled by the downscale factor, so shrinking
/// is antialiased), each pass clamped to 0…255 as Pillow clips. An axis whose size does not change
/// is copied, not filtered, as in Pillow. The difference from Pillow is quantisation: Pillow uses
/// 22-bit fixed-point weights and rounds to `UInt8` after *each* pass; here both passes stay in
/// `Float`. The two therefore differ by up to about 1–2 / 255 per sample (0.5 from Pillow's final
/// rounding, plus its intermediate rounding error carried through the second pass's weights, whose
/// absolute sum exceeds 1 for bicubic); see ImageTests for the measured value on the goldens.
/// Accumulation error in `Float` is below 1e-3 / 255.
///
/// **Crop contract.** `centerCrop` is torchvision's `CenterCrop`: if the crop is larger than the
/// image, the image is first zero-padded by `(crop − size) // 2` before and `(crop − size + 1) // 2`
/// after; then `top = round((h − cropH) / 2)`, `left = round((w − cropW) / 2)` with Python's
/// `round` (half to even: an excess of 1 puts the crop at 0, of 3 at 2, of 5 at 2).
public enum ImageResampler {
    /// Resizes to `width × height` with Pillow's `filter` semantics (see the type's contract).
    /// - Parameters:
    ///   - image: samples on the 0…255 scale.
    ///   - width: output width, > 0.
    ///   - height: output height, > 0.
    ///   - filter: `.bicubic` (a = −0.5) or `.bilinear`.
    /// - Returns: the resized image, every sample in 0…255 (not rounded).
    public static func resize(_ image: PlanarImage, width: Int, height: Int, filter: ResampleFilter) -> PlanarImage {
        precondition(width > 0 && height > 0, "resize target \(width)×\(height) must be positive")
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        var out = image
        if width != out.width { out = horizontal(out, width: width, filter: filter) }
        if height != out.height { out = vertical(out, height: height, filter: filter) }
        return out
    }

    /// Resizes an 8-bit image (converted exactly to `Float` first).
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> PlanarImage {
        resize(PlanarImage(image), width: width, height: height, filter: filter)
    }

    /// The `height × width` window at the center, torchvision's rule (see the type's contract).
    public static func centerCrop(_ image: PlanarImage, width: Int, height: Int) -> PlanarImage {
        precondition(width > 0 && height > 0, "crop \(width)×\(height) must be positive")
        var img = image
        if width > img.width || height > img.height {
            let padL = width > img.width ? (width - img.width) / 2 : 0
            let padT = height > img.height ? (height - img.height) / 2 : 0
            let padR = width > img.width ? (width - img.width + 1) / 2 : 0
            let padB = height > img.height ? (height - img.height + 1) / 2 : 0
            img = window(img, top: -padT, left: -padL, height: img.height + padT + padB, width: img.width + padL + padR)
            if img.width == width && img.height == height { return img }
        }
        let top = Int((Double(img.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(img.width - width) / 2).rounded(.toNearestOrEven))
        return window(img, top: top, left: left, height: height, width: width)
    }

    /// The `height × width` region whose top-left corner is at (`top`, `left`); samples outside
    /// the image are 0.
    static func window(_ image: PlanarImage, top: Int, left: Int, height: Int, width: Int) -> PlanarImage {
        var values = [Float](repeating: 0, count: image.channels * height * width)
        let x0 = max(0, -left), x1 = min(width, image.width - left)
        image.values.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                guard x0 < x1 else { return }
                for c in 0..<image.channels {
                    for y in 0..<height {
                        let sy = y + top
                        guard sy >= 0 && sy < image.height else { continue }
                        let s = (c * image.height + sy) * image.width + left
                        let d = (c * height + y) * width
                        for x in x0..<x1 { dst[d + x] = src[s + x] }
                    }
                }
            }
        }
        return PlanarImage(width: width, height: height, channels: image.channels, values: values)
    }

    /// Filters along rows: `width` changes, `height` stays.
    static func horizontal(_ image: PlanarImage, width: Int, filter: ResampleFilter) -> PlanarImage {
        let w = ResampleWeights(inSize: image.width, outSize: width, filter: filter)
        let rows = image.channels * image.height
        var values = [Float](repeating: 0, count: rows * width)
        image.values.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                w.taps.withUnsafeBufferPointer { taps in
                    for r in 0..<rows {
                        let row = r * image.width
                        for o in 0..<width {
                            let k = o * w.stride, base = row + w.start[o]
                            var acc: Float = 0
                            for t in 0..<w.count[o] { acc += taps[k + t] * src[base + t] }
                            dst[r * width + o] = clamp255(acc)
                        }
                    }
                }
            }
        }
        return PlanarImage(width: width, height: image.height, channels: image.channels, values: values)
    }

    /// Filters along columns: `height` changes, `width` stays. Works a row at a time so the inner
    /// loop runs over contiguous samples.
    static func vertical(_ image: PlanarImage, height: Int, filter: ResampleFilter) -> PlanarImage {
        let w = ResampleWeights(inSize: image.height, outSize: height, filter: filter)
        let width = image.width
        var values = [Float](repeating: 0, count: image.channels * height * width)
        image.values.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                w.taps.withUnsafeBufferPointer { taps in
                    for c in 0..<image.channels {
                        let plane = c * image.height * width
                        for o in 0..<height {
                            let d = (c * height + o) * width
                            for t in 0..<w.count[o] {
                                let weight = taps[o * w.stride + t]
                                let s = plane + (w.start[o] + t) * width
                                for x in 0..<width { dst[d + x] += weight * src[s + x] }
                            }
                            for x in 0..<width { dst[d + x] = clamp255(dst[d + x]) }
                        }
                    }
                }
            }
        }
        return PlanarImage(width: width, height: height, channels: image.channels, values: values)
    }

    @inline(__always)
    static func clamp255(_ v: Float) -> Float { min(max(v, 0), 255) }
}
