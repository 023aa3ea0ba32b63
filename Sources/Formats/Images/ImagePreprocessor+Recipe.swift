import Graph

extension ImagePreprocessor {
    /// A validated `ViTConfig.Preprocessing`, ready to apply.
    struct Recipe {
        let preprocessing: ViTConfig.Preprocessing
        let filter: ResampleFilter
        let cropHeight: Int
        let cropWidth: Int
        let mean: [Float]
        let std: [Float]

        /// Floats per image in the output (3 · cropHeight · cropWidth).
        var sampleCount: Int { 3 * cropHeight * cropWidth }

        /// - Throws: `ImageError.invalidPreprocessing` naming the offending field.
        init(_ p: ViTConfig.Preprocessing) throws(ImageError) {
            func fail(_ s: String) -> ImageError { .invalidPreprocessing(detail: s) }
            guard let filter = ResampleFilter(rawValue: p.interpolation.lowercased()) else {
                throw fail("interpolation must be \"bicubic\" or \"bilinear\", is \"\(p.interpolation)\"")
            }
            let side = ViTConfig.Limits.imageSide
            guard (1...2).contains(p.resize.count), p.resize.allSatisfy(side.contains) else {
                throw fail("resize must be [h, w] (or [shorter side]) in \(side.lowerBound)...\(side.upperBound), is \(p.resize)")
            }
            guard (1...2).contains(p.crop.count), p.crop.allSatisfy(side.contains) else {
                throw fail("crop must be [h, w] in \(side.lowerBound)...\(side.upperBound), is \(p.crop)")
            }
            guard p.mean.count == 3 || p.mean.count == 1 else { throw fail("mean needs 3 values (or 1), has \(p.mean.count)") }
            guard p.std.count == 3 || p.std.count == 1 else { throw fail("std needs 3 values (or 1), has \(p.std.count)") }
            guard p.std.allSatisfy({ $0 != 0 && $0.isFinite }) else { throw fail("std must be finite and non-zero, is \(p.std)") }
            self.preprocessing = p
            self.filter = filter
            self.cropHeight = p.crop[0]
            self.cropWidth = p.crop.count == 2 ? p.crop[1] : p.crop[0]
            self.mean = p.mean.count == 3 ? p.mean : Array(repeating: p.mean[0], count: 3)
            self.std = p.std.count == 3 ? p.std : Array(repeating: p.std[0], count: 3)
        }

        /// Resizes, crops and normalises `image`, writing `sampleCount` floats channel-first to `dst`.
        /// - Throws: `ImageError.invalidPreprocessing` for an empty image.
        func apply(_ image: RGBImage, into dst: UnsafeMutablePointer<Float>) throws(ImageError) {
            guard image.width > 0 && image.height > 0 else {
                throw .invalidPreprocessing(detail: "cannot preprocess an empty \(image.width)×\(image.height) image")
            }
            let size = ImagePreprocessor.resizedSize(width: image.width, height: image.height, preprocessing: preprocessing)
            // Only the crop is computed (`resizeAndCenterCrop`): the resized size is a coordinate
            // system, however large a shorter-side resize of a panorama makes it.
            let cropped = ImageResampler.resizeAndCenterCrop(image, width: size.width, height: size.height, filter: filter,
                                                             cropWidth: cropWidth, cropHeight: cropHeight)
            let plane = cropHeight * cropWidth
            cropped.values.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    let m = mean[c], s = std[c]
                    for i in 0..<plane { dst[c * plane + i] = (src[c * plane + i] / 255 - m) / s }
                }
            }
        }
    }
}
