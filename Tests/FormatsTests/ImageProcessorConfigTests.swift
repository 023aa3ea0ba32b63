import Foundation
import Graph
import Testing
@testable import Formats
import TestSupport

/// `preprocessor_config.json` both ways: transformers' own processors (saved by
/// samples/gen_hf_export.py) read as their recipes, vitopt's preprocessing of photo.png with those
/// recipes against transformers' pixel_values, and what vitopt writes reading back unchanged.
@Suite struct ImageProcessorConfigTests {
    static let timm224 = ViTConfig.Preprocessing.timm(size: [224, 224], cropPct: 0.9, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
    static let convnext224 = ViTConfig.Preprocessing.timm(size: [224, 224], cropPct: 0.875)

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// BitImageProcessor (shortest_edge 248, crop 224) is timm's 224/0.9 transform; ConvNeXt's
    /// crop_pct 0.875 with shortest_edge 224 is the shorter side to 256, then a 224 crop.
    @Test(arguments: [("bit_224", timm224), ("convnext_224", convnext224)])
    func transformersProcessorReadsAsItsRecipe(name: String, expected: ViTConfig.Preprocessing) throws {
        let path = Fixtures.sample("preprocess/\(name)/preprocessor_config.json")
        let p = try #require(try HFConfigParser.preprocessing(from: Self.json(path), imageSize: [32, 32], path: path))
        #expect(p == expected, "\(p)")
    }

    /// vitopt's preprocessing of photo.png with the recipe read from transformers' file, against
    /// that processor's pixel_values (transformers 5, torchvision backend). Tolerance as in
    /// `ImageTests`: 2/255 before normalisation (float against 8-bit resampling).
    @Test(arguments: ["bit_224", "convnext_224"])
    func preprocessingMatchesTransformers(name: String) throws {
        let path = Fixtures.sample("preprocess/\(name)/preprocessor_config.json")
        let p = try #require(try HFConfigParser.preprocessing(from: Self.json(path), imageSize: nil, path: path))
        let x = try ImagePreprocessor.pixelValues(path: Fixtures.sample("preprocess/photo.png"), preprocessing: p)
        let pixels = try Fixtures.npy("preprocess/hf_\(name)_pixels.npy").floatArray()
        #expect(x.shape == [1, 3, 224, 224] && pixels.count == 3 * 224 * 224)
        let got = x.floatArray(), plane = 224 * 224
        var worst: Float = 0
        for c in 0..<3 {
            for i in 0..<plane {
                // In pixel units, so one bound serves every std.
                let v = got[c * plane + i] * p.std[c] * 255 + p.mean[c] * 255
                worst = max(worst, abs(v - pixels[c * plane + i]))
            }
        }
        print("\(name): max |vitopt − transformers| = \(worst)/255 before normalisation")
        #expect(worst <= 2)
    }

    /// What vitopt writes for a timm recipe is what transformers' `save_pretrained` writes for the
    /// same BitImageProcessor, key for key.
    @Test func writtenBitConfigEqualsTransformers() throws {
        let theirs = try Self.json(Fixtures.sample("preprocess/bit_224/preprocessor_config.json"))
        // Both parsed from JSON text and printed the same way (sorted keys), so numbers and booleans compare alike.
        let ours = try #require(JSONText.object(JSONText.pretty(ImageProcessorConfig.json(for: Self.timm224))))
        #expect(JSONText.pretty(ours) == JSONText.pretty(theirs))
    }

    /// Every recipe vitopt writes reads back as itself: HF resizes (square and not), timm's shorter
    /// side + crop (bicubic and bilinear, crop_pct 1), and a resize to [h, w] with a smaller crop.
    @Test(arguments: [
        timm224, convnext224, .huggingFace(size: [224, 224]), .huggingFace(size: [32, 48], mean: [0.1, 0.2, 0.3], std: [0.3, 0.2, 0.1]),
        .timm(size: [32, 32], cropPct: 1, interpolation: "bilinear", mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
        ViTConfig.Preprocessing(resize: [106, 142], resizeShorterSide: false, interpolation: "bicubic", crop: [96, 128],
                                mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
    ])
    func writtenConfigReadsBackAsTheSameRecipe(_ recipe: ViTConfig.Preprocessing) throws {
        let json = ImageProcessorConfig.json(for: recipe)
        let text = JSONText.pretty(json)
        let parsed = try #require(JSONText.object(text))
        let back = try HFConfigParser.preprocessing(from: parsed, imageSize: [7, 7], path: "preprocessor_config.json")
        #expect(back == recipe, "\(text)")
        #expect((json["image_processor_type"] as? String) == (recipe.resize == recipe.crop && !recipe.resizeShorterSide
                                                            ? "ViTImageProcessor" : "BitImageProcessor"))
    }

    /// Hostile numbers in the shortest-edge forms are config errors naming the key, never a trap.
    @Test(arguments: [
        #"{"image_processor_type": "ConvNextImageProcessor", "size": {"shortest_edge": 224}, "crop_pct": 0}"#,
        #"{"image_processor_type": "ConvNextImageProcessor", "size": {"shortest_edge": 1e300}, "crop_pct": 0.9}"#,
        #"{"size": {"shortest_edge": 256}, "crop_size": {"height": 224}}"#,
        #"{"size": {"shortest_edge": 256}, "crop_size": -3}"#,
        #"{"size": {"shortest_edge": 256}, "crop_size": {"height": 224, "width": 1e19}}"#,
    ])
    func hostileShortestEdgeFormsAreConfigErrors(_ text: String) throws {
        let json = try #require(JSONText.object(text))
        #expect(throws: FormatError.self) { try HFConfigParser.preprocessing(from: json, imageSize: [32, 32], path: "p.json") }
    }
}
