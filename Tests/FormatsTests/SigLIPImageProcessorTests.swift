import Foundation
import Graph
import Testing
@testable import Formats
import TestSupport

/// The `preprocessor_config.json` vitopt writes beside a SigLIP or SigLIP 2 tower in transformers'
/// naming is the processor transformers pairs with it (`SiglipImageProcessor`,
/// `Siglip2ImageProcessor`): key for key what transformers' `save_pretrained` writes
/// (samples/gen_hf_export.py `siglip`), and transformers' `AutoImageProcessor` on that file gives the
/// pixel_values vitopt's preprocessing gives, within 2/255 before normalisation (float against
/// 8-bit resampling, as in `ImageProcessorConfigTests`).
@Suite struct SigLIPImageProcessorTests {
    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Converts `model` to transformers' naming in a scratch folder; returns the folder and the loaded config.
    static func written(_ model: String) throws -> (String, ViTConfig) {
        let loaded = try ModelLoader.load(Fixtures.sample(model))
        let dir = Fixtures.scratch("siglip-processor")
        let summary = try ModelSaver.save(loaded.model, to: dir + "/model.safetensors", naming: .hf)
        #expect(summary.preprocessorPath == dir + "/" + ImageProcessorConfig.fileName)
        return (dir, loaded.model.config)
    }

    /// (fixture model, transformers' processor file for it)
    @Test(arguments: [("families/siglip/hf", "families/siglip/hf/preprocessor_config.json"),
                      ("families/siglip2/hf", "preprocess/siglip2_32/preprocessor_config.json")])
    func writtenProcessorIsTransformers(model: String, theirs: String) throws {
        let (dir, _) = try Self.written(model)
        let ours = try Self.json(dir + "/" + ImageProcessorConfig.fileName)
        let reference = try Self.json(Fixtures.sample(theirs))
        #expect(JSONText.pretty(ours) == JSONText.pretty(reference))
    }

    /// SigLIP: the recipe read back from the written file, on photo.png, against
    /// `AutoImageProcessor(families/siglip/hf)`'s `[1,3,32,32]` (32×32 bicubic, mean/std 0.5).
    @Test func siglipPixelValuesMatchTransformers() throws {
        let (dir, config) = try Self.written("families/siglip/hf")
        let path = dir + "/" + ImageProcessorConfig.fileName
        let p = try #require(try HFConfigParser.preprocessing(from: Self.json(path), imageSize: config.imageSize, path: path))
        let x = try ImagePreprocessor.pixelValues(path: Fixtures.sample("preprocess/photo.png"), preprocessing: p)
        let golden = try Fixtures.npy("preprocess/hf_siglip_32_pixels.npy")
        #expect(x.shape == [1, 3, 32, 32] && golden.shape == [1, 3, 32, 32])
        let got = x.floatArray(), want = golden.floatArray(), plane = 32 * 32
        var worst: Float = 0
        for c in 0..<3 {
            for i in 0..<plane {
                worst = max(worst, abs(got[c * plane + i] * p.std[c] * 255 + p.mean[c] * 255 - want[c * plane + i]))
            }
        }
        print("SigLIP: max |vitopt − transformers| = \(worst)/255 before normalisation")
        #expect(worst <= 2)
    }

    /// SigLIP 2: the recipe read back from the written file, on the square photo_square.png (72×72 →
    /// 32×32), flattened into (row, column, channel) patches of 8, against
    /// `AutoImageProcessor(preprocess/siglip2_32)`'s `[1,16,192]` pixel_values (its grid 4×4, no padding).
    @Test func siglip2PatchesMatchTransformers() throws {
        let (dir, config) = try Self.written("families/siglip2/hf")
        #expect(ImageProcessorConfig.exactness(for: config)?.contains("square images") == true)
        let path = dir + "/" + ImageProcessorConfig.fileName
        let p = try #require(try HFConfigParser.preprocessing(from: Self.json(path), imageSize: config.imageSize, path: path))
        #expect(p == config.preprocessing)
        let x = try ImagePreprocessor.pixelValues(path: Fixtures.sample("preprocess/photo_square.png"), preprocessing: p)
        let golden = try Fixtures.npy("preprocess/hf_siglip2_32_pixels.npy")
        let patch = 8, grid = 4, side = patch * grid
        #expect(x.shape == [1, 3, side, side] && golden.shape == [1, grid * grid, patch * patch * 3])
        let got = x.floatArray(), want = golden.floatArray()
        var worst: Float = 0
        for gy in 0..<grid {
            for gx in 0..<grid {
                for y in 0..<patch {
                    for xx in 0..<patch {
                        for c in 0..<3 {
                            let v = got[(c * side + gy * patch + y) * side + gx * patch + xx] * p.std[c] * 255 + p.mean[c] * 255
                            let w = want[(gy * grid + gx) * patch * patch * 3 + (y * patch + xx) * 3 + c]
                            worst = max(worst, abs(v - w))
                        }
                    }
                }
            }
        }
        print("SigLIP 2: max |vitopt − transformers| = \(worst)/255 before normalisation")
        #expect(worst <= 2)
    }
}
