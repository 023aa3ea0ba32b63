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

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let image = try ImageDecoder.decode(bytes: bytes, name: "fuzz-input")
            // Pick the recipe from the image so every input runs one (the search still reaches all three).
            let recipe = recipes[(image.width &+ image.height) % recipes.count]
            let pixels = try ImagePreprocessor.pixelValues(image: image, preprocessing: recipe)
            TensorTouch.touch([pixels])
        }
    }
}
