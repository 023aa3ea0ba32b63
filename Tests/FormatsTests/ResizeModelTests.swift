import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// The resize pass on whole models against timm and transformers running the digits teacher at
/// other sizes (`samples/resize/digits48`): embeddings within 1e-6, logits within 1e-4 of their scale.
@Suite struct ResizeModelTests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")
    static let hfTeacher = Fixtures.sample("digits/hf/model.safetensors")

    static func logits(_ model: ViTDescription, pixels: String) throws -> Tensor {
        let x = try InputLoader.load(Fixtures.sample("resize/digits48/\(pixels)"), config: model.config)
        let exec = try Executor(graph: try ViTGraphBuilder.build(model), threads: 1)
        let out = try exec.run([ViTGraphBuilder.inputName: x])
        return out[exec.graph.outputs[0]]!
    }

    @Test(arguments: [[48, 48], [48, 64]])
    func timmPresetMatchesTimmBuiltAtTheNewSize(_ size: [Int]) throws {
        let loaded = try ModelLoader.load(Self.teacher)
        let (model, summary) = try loaded.model.resized(imageSize: size, interpolation: ResamplePreset.timm.interpolation)
        let tag = "\(size[0])x\(size[1])"
        #expect(summary.sourceGrid == [8, 8] && summary.targetGrid == [size[0] / 4, size[1] / 4] && summary.prefixRows == 1)
        #expect(model.config.imageSize == size && model.config.preprocessing.crop == size)
        let pos = try #require(model.tensors[ViTTensorKey(.posEmbed)])
        let err = Tolerance.maxAbsDiff(pos, try Fixtures.npy("resize/digits48/timm_pos_embed_\(tag).npy"))
        #expect(err <= 1e-6, "pos_embed at \(tag): \(err)")
        let y = try Self.logits(model, pixels: "pixels_\(tag).npy"), want = try Fixtures.npy("resize/digits48/timm_logits_\(tag).npy")
        #expect(Tolerance.close(y, want, relative: 1e-4), "logits at \(tag): \(Tolerance.maxAbsDiff(y, want))")
    }

    @Test(arguments: [[48, 48], [48, 64]])
    func hfPresetMatchesInterpolatePosEncoding(_ size: [Int]) throws {
        let loaded = try ModelLoader.load(Self.hfTeacher)
        let (model, _) = try loaded.model.resized(imageSize: size, interpolation: ResamplePreset.hf.interpolation)
        let tag = "\(size[0])x\(size[1])"
        let y = try Self.logits(model, pixels: "pixels_\(tag).npy"), want = try Fixtures.npy("resize/digits48/hf_logits_\(tag).npy")
        #expect(Tolerance.close(y, want, relative: 1e-4), "logits at \(tag): \(Tolerance.maxAbsDiff(y, want))")
        // the presets really differ: timm's antialiased kernel gives other logits
        let timm = try Fixtures.npy("resize/digits48/timm_logits_\(tag).npy")
        #expect(Tolerance.maxAbsDiff(y, timm) > 0.1)
    }

    @Test func flexiPatchResizeMatchesTimm() throws {
        let loaded = try ModelLoader.load(Self.teacher)
        let (model, summary) = try loaded.model.resized(imageSize: [64, 64], patchSize: [8, 8], interpolation: ResamplePreset.timm.interpolation)
        #expect(summary.sourceGrid == summary.targetGrid)
        #expect(model.tensors[ViTTensorKey(.patchWeight)]?.shape == [64, 3, 8, 8])
        #expect(model.tensors[ViTTensorKey(.posEmbed)]!.bitwiseEqual(loaded.model.tensors[ViTTensorKey(.posEmbed)]!))
        let y = try Self.logits(model, pixels: "pixels_64x64.npy"), want = try Fixtures.npy("resize/digits48/timm_flexi_p8_logits_64x64.npy")
        #expect(Tolerance.close(y, want, relative: 1e-4), "FlexiViT logits: \(Tolerance.maxAbsDiff(y, want))")
    }

    @Test func noEmbedClassResizesOnlyThePatchRows() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("timm-variants/model.safetensors"))
        #expect(!loaded.model.config.posEmbedIncludesPrefix)
        let (model, summary) = try loaded.model.resized(imageSize: [48, 48], interpolation: ResamplePreset.timm.interpolation)
        #expect(summary.prefixRows == 0)
        #expect(model.tensors[ViTTensorKey(.posEmbed)]?.shape == [1, 36, 32])
        _ = try ViTGraphBuilder.build(model)
    }

    @Test func badSizesAreTypedErrors() throws {
        let m = try ModelLoader.load(Self.teacher).model
        let i = ResamplePreset.timm.interpolation
        #expect(throws: ResampleError.self) { try m.resized(imageSize: [50, 48], interpolation: i) }
        #expect(throws: ResampleError.self) { try m.resized(imageSize: [2, 2], interpolation: i) }
        #expect(throws: ResampleError.self) { try m.resized(imageSize: [48, 48], patchSize: [0, 0], interpolation: i) }
        var wrong = m
        wrong.config.imageSize = [28, 28]   // grid 7×7 does not match 65 position rows
        #expect(throws: ResampleError.gridMismatch(tensor: "pos_embed", detail: "65 position rows do not match a 7×7 grid plus 1 prefix row(s) (= 50); give the source grid with --source-grid HxW")) {
            try wrong.resized(imageSize: [48, 48], interpolation: i)
        }
        var none = m
        none.tensors[ViTTensorKey(.posEmbed)] = nil
        #expect(throws: ResampleError.self) { try none.resized(imageSize: [48, 48], interpolation: i) }
    }
}
