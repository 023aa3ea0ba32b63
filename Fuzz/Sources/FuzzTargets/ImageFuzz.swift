import Formats
import Graph

/// PNG and JPEG decoding (libpng, libjpeg-turbo) and the preprocessing recipes a model's config
/// can ask for (timm's shorter-side resize and crop, Hugging Face's exact resize).
///
/// libpng and libjpeg are not instrumented: a crash whose stack top is inside them is theirs.
enum ImageFuzz {
    /// Small recipes: enlarging and shrinking, both filters, a crop larger than the resize.
    static let recipes: [ViTConfig.Preprocessing] = [
        .timm(size: [16, 16]),
        .huggingFace(size: [7, 12]),
        ViTConfig.Preprocessing(resize: [9], resizeShorterSide: true, interpolation: "bilinear", crop: [12, 10],
                                mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1]),
    ]

    /// Largest image decoded (512 × 512 pixels). The decoder's own limit is 2²⁸ pixels; an image
    /// near it takes seconds to decode (1.4 s under ASan for 84 Mpx), and a corpus holding a few (a
    /// small PNG of zeros declares any size) slowed the target from ~1,000 to ~10 executions per
    /// second. Preprocessing computes only the crop, but the fuzz recipes' crops are about their
    /// resized size, so its cost also grows with the pixels (Fuzz/README.md). Larger declared sizes
    /// are skipped before decoding, larger decoded ones after; the decoder's size checks are tested
    /// by `HostileImageTests`.
    static let maxPixels = 1 << 18

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        if let n = ImageSize.pixels(bytes), n > maxPixels { return .rejected("skipped: declares \(n) pixels (the fuzzing cap is \(maxPixels))") }
        let image: RGBImage
        do {
            image = try ImageDecoder.decode(bytes: bytes, name: "fuzz-input")
        } catch {
            return .rejected(String(describing: error))
        }
        // The header scan misses sizes libjpeg still finds (bytes it skips between markers): cap after decoding too.
        let (n, overflow) = image.width.multipliedReportingOverflow(by: image.height)
        guard !overflow, n <= maxPixels else {
            return .rejected("skipped: decodes to \(image.width)×\(image.height) pixels (the fuzzing cap is \(maxPixels))")
        }
        return FuzzOutcome.of {
            // Pick the recipe from the image so every input runs one (the search still reaches all three).
            let recipe = recipes[(image.width &+ image.height) % recipes.count]
            let pixels = try ImagePreprocessor.pixelValues(image: image, preprocessing: recipe)
            TensorTouch.touch([pixels])
        }
    }
}
