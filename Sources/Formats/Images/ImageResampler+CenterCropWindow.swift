extension ImageResampler {
    /// The center crop of the resized image, computing only the resized samples the crop keeps:
    /// bit for bit `centerCrop(resize(image, width:height:filter:), width: cropWidth, height: cropHeight)`.
    ///
    /// Both passes are separable and each output sample reads only its own support window
    /// (`ResampleWeights`), so the horizontal pass runs only over the input rows that the kept output
    /// rows read, and only for the kept columns; the vertical pass then produces the kept rows. Every
    /// kept sample is summed in the same order, from the same `Float` taps and inputs, and clamped the
    /// same way as in `resize`, so the values are identical; crop samples outside the resized image are
    /// 0, as `centerCrop`'s padding.
    ///
    /// **Cost.** With `sx = image.width / width`, `sy = image.height / height` and the filter's support
    /// `s` (2 bicubic, 1 bilinear), a kept sample has at most `2·s·max(sx, 1) + 1` horizontal and
    /// `2·s·max(sy, 1) + 1` vertical taps, and the horizontal pass covers at most
    /// `min(image.height, (cropHeight + 2·s)·max(sy, 1) + 1)` input rows. Work and memory therefore follow
    /// the crop and the part of the input under it — never `width × height`, which may be far larger
    /// than either (a shorter-side resize of a panorama). Working memory: 12 bytes per (input row
    /// read × kept column) plus the 12-byte-per-sample crop; the 8-bit input is read in place.
    ///
    /// - Parameters:
    ///   - image: the decoded image, not empty.
    ///   - width: the resized width, > 0.
    ///   - height: the resized height, > 0.
    ///   - filter: `.bicubic` or `.bilinear`; an axis whose size does not change is copied, not filtered.
    ///   - cropWidth: the crop's width, > 0 (larger than `width` pads with zeros).
    ///   - cropHeight: the crop's height, > 0.
    /// - Returns: a 3-channel `cropWidth × cropHeight` image on the 0…255 scale (not rounded).
    public static func resizeAndCenterCrop(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter,
                                           cropWidth: Int, cropHeight: Int) -> PlanarImage {
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        precondition(width > 0 && height > 0, "resize target \(width)×\(height) must be positive")
        precondition(cropWidth > 0 && cropHeight > 0, "crop \(cropWidth)×\(cropHeight) must be positive")
        let cols = CenterCropSpan(size: width, crop: cropWidth)
        let rows = CenterCropSpan(size: height, crop: cropHeight)
        let horizontal = width == image.width ? nil
            : ResampleWeights(inSize: image.width, outSize: width, filter: filter, outputs: cols.kept)
        let vertical = height == image.height ? nil
            : ResampleWeights(inSize: image.height, outSize: height, filter: filter, outputs: rows.kept)
        let inputRows = vertical.map(inputRange) ?? rows.kept
        let mid = horizontalPass(image, rows: inputRows, columns: cols.kept, weights: horizontal)
        var values = [Float](repeating: 0, count: 3 * cropHeight * cropWidth)
        let midWidth = cols.kept.count, midHeight = inputRows.count
        mid.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for (i, o) in rows.kept.enumerated() {
                        let d = (c * cropHeight + o - rows.origin) * cropWidth + cols.kept.lowerBound - cols.origin
                        guard let v = vertical else {
                            let s = (c * midHeight + o - inputRows.lowerBound) * midWidth
                            for x in 0..<midWidth { dst[d + x] = src[s + x] }
                            continue
                        }
                        // As `vertical`: the kept row starts at 0 and adds its taps in order, then clamps.
                        for t in 0..<v.count[i] {
                            let weight = v.taps[i * v.stride + t]
                            let s = (c * midHeight + v.start[i] + t - inputRows.lowerBound) * midWidth
                            for x in 0..<midWidth { dst[d + x] += weight * src[s + x] }
                        }
                        for x in 0..<midWidth { dst[d + x] = clamp255(dst[d + x]) }
                    }
                }
            }
        }
        return PlanarImage(width: cropWidth, height: cropHeight, channels: 3, values: values)
    }

    /// The input samples `weights`' outputs read, from the first one's start to the furthest end.
    private static func inputRange(_ weights: ResampleWeights) -> Range<Int> {
        var lo = Int.max, hi = 0
        for i in weights.start.indices where weights.count[i] > 0 {
            lo = min(lo, weights.start[i])
            hi = max(hi, weights.start[i] + weights.count[i])
        }
        return lo < hi ? lo..<hi : 0..<0
    }

    /// The horizontal pass over input `rows`, for the resized `columns` only: planar `Float`,
    /// `3 × rows.count × columns.count`. With no `weights` (width unchanged) the columns are copied.
    private static func horizontalPass(_ image: RGBImage, rows: Range<Int>, columns: Range<Int>,
                                       weights: ResampleWeights?) -> [Float] {
        let midWidth = columns.count, midHeight = rows.count, plane = midHeight * midWidth
        var mid = [Float](repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { px in
            mid.withUnsafeMutableBufferPointer { dst in
                for (r, y) in rows.enumerated() {
                    let row = y * image.width, d = r * midWidth
                    guard let w = weights else {
                        for i in 0..<midWidth {
                            let p = (row + columns.lowerBound + i) * 3
                            dst[d + i] = Float(px[p])
                            dst[plane + d + i] = Float(px[p + 1])
                            dst[2 * plane + d + i] = Float(px[p + 2])
                        }
                        continue
                    }
                    // As `horizontal`: each channel's sum starts at 0 and adds its taps in order.
                    for i in 0..<midWidth {
                        let k = i * w.stride, base = (row + w.start[i]) * 3
                        var red: Float = 0, green: Float = 0, blue: Float = 0
                        for t in 0..<w.count[i] {
                            let tap = w.taps[k + t], p = base + 3 * t
                            red += tap * Float(px[p])
                            green += tap * Float(px[p + 1])
                            blue += tap * Float(px[p + 2])
                        }
                        dst[d + i] = clamp255(red)
                        dst[plane + d + i] = clamp255(green)
                        dst[2 * plane + d + i] = clamp255(blue)
                    }
                }
            }
        }
        return mid
    }
}
