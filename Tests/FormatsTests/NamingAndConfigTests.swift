import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

@Suite struct NamingAndConfigTests {
    static let small = ViTConfig(imageSize: [16, 16], patchSize: [4, 4], embedDim: 24, depth: 2, numHeads: 3, mlpHidden: 48,
                                 eps: 1e-6, numClasses: 5)

    func save(_ model: ViTDescription, _ naming: NamingConvention, in dir: String, _ name: String = "model.safetensors") throws -> String {
        let path = dir + "/" + name
        _ = try ModelSaver.save(model, to: path, naming: naming, writeConfigJSON: false)
        return path
    }

    @Test func timmToHFAndBackIsBitExact() throws {
        let model = try ViTDescription.random(config: Self.small, seed: 1)
        let dir = Fixtures.scratch()
        let timmPath = try save(model, .timm, in: dir, "a.safetensors")
        let hf = try ModelLoader.load(timmPath)
        #expect(hf.convention == .timm)
        let hfPath = try save(hf.model, .hf, in: dir, "b.safetensors")
        let hfFile = try SafetensorsFile(path: hfPath)
        #expect(hfFile.tensors["vit.encoder.layer.1.attention.attention.key.weight"] != nil)
        #expect(hfFile.tensors["classifier.bias"] != nil)
        let back = try ModelLoader.load(hfPath)
        #expect(back.convention == .hf && back.prefix == "vit.")
        let again = try save(back.model, .timm, in: dir, "c.safetensors")
        let a = try SafetensorsFile(path: timmPath), c = try SafetensorsFile(path: again)
        #expect(a.names == c.names)
        for name in a.names { #expect(a.tensors[name]!.bitwiseEqual(c.tensors[name]!), "\(name)") }
        #expect(back.model.config == Self.small)
    }

    @Test func unknownConventionListsWhatWasFound() throws {
        let path = Fixtures.scratch() + "/odd.safetensors"
        try SafetensorsWriter.write(["encoder.w": Tensor(zeros: .f32, shape: [2]), "decoder.b": Tensor(zeros: .f32, shape: [1])], to: path)
        do {
            _ = try ModelLoader.load(path)
            Issue.record("expected an unknown-convention error")
        } catch let e as FormatError {
            #expect(e.description.contains("decoder.b") && e.description.contains("encoder.w"))
        }
    }

    @Test func unrecognisedTensorsAreCarriedThroughWithAWarning() throws {
        let model = try ViTDescription.random(config: Self.small, seed: 2)
        var withExtra = model
        withExtra.extras["ema.decay"] = Tensor(shape: [1], floats: [0.999])
        let dir = Fixtures.scratch()
        let loaded = try ModelLoader.load(try save(withExtra, .timm, in: dir))
        #expect(loaded.model.extras["ema.decay"]?.floatArray() == [0.999])
        #expect(loaded.warnings.contains { $0.contains("ema.decay") })
    }

    @Test func missingHeadCountIsGuessedWithAWarning() throws {
        let config = ViTConfig(imageSize: [16, 16], patchSize: [4, 4], embedDim: 128, depth: 1, numHeads: 4, mlpHidden: 64, numClasses: 2)
        let model = try ViTDescription.random(config: config, seed: 3)
        let dir = Fixtures.scratch()
        let named = try NamingMapper.names(for: model, convention: .timm)
        try SafetensorsWriter.write(named, to: dir + "/bare.safetensors")
        let loaded = try ModelLoader.load(dir + "/bare.safetensors")
        #expect(loaded.model.config.numHeads == 2)
        #expect(loaded.warnings.contains { $0.contains("guessing 2") })
        #expect(loaded.warnings.contains { $0.contains("eps") })
        var hints = ConfigHints()
        hints.numHeads = 4
        hints.eps = 1e-5
        let told = try ModelLoader.load(dir + "/bare.safetensors", hints: hints)
        #expect(told.model.config.numHeads == 4 && told.model.config.eps == 1e-5 && told.warnings.isEmpty == false)
    }

    @Test func configThatContradictsTheWeightsIsAnError() throws {
        let model = try ViTDescription.random(config: Self.small, seed: 4)
        let dir = Fixtures.scratch()
        try SafetensorsWriter.write(try NamingMapper.names(for: model, convention: .timm), to: dir + "/model.safetensors")
        let bad = #"{"architecture": "vit_base_patch16_224", "num_classes": 5}"#
        try bad.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        do {
            _ = try ModelLoader.load(dir + "/model.safetensors")
            Issue.record("expected a config contradiction")
        } catch let e as FormatError {
            #expect(e.description.contains("embed_dim = 768") && e.description.contains("config.json"))
        }
    }

    @Test func conventionsRefuseWhatTheyCannotExpress() throws {
        var c = Self.small
        c.layerScale = true
        let model = try ViTDescription.random(config: c, seed: 5)
        #expect(throws: FormatError.self) { _ = try ModelSaver.save(model, to: Fixtures.scratch() + "/x.safetensors", naming: .hf) }
    }

    @Test func timmArchitectureNames() {
        let b = TimmArchitectures.settings(for: "vit_base_patch16_224.augreg_in21k")
        #expect(b.embedDim == 768 && b.numHeads == 12 && b.depth == 12 && b.patch == 16 && b.imageSize == 224)
        let d = TimmArchitectures.settings(for: "deit_tiny_distilled_patch16_224")
        #expect(d.distilled && d.embedDim == 192 && d.numHeads == 3)
        let unknown = TimmArchitectures.settings(for: "resnet50")
        #expect(unknown.embedDim == nil && unknown.patch == nil && unknown.imageSize == nil)
        #expect(TimmArchitectures.settings(for: "vit_small_patch14_dinov2").imageSize == nil)
        let clip = TimmArchitectures.settings(for: "vit_base_patch16_clip_quickgelu_224.openai")
        #expect(clip.eps == 1e-5 && clip.activation == "quick_gelu" && clip.patch == 16 && clip.imageSize == 224)
        #expect(TimmArchitectures.settings(for: "vit_medium_patch16_gap_256").numHeads == 8)
    }

    @Test func createdModelsCarryTheirConfig() throws {
        let m = try ModelFactory.random(architecture: "deit_tiny_distilled_patch16_224", classes: 3, seed: 0)
        #expect(m.config.distToken && m.config.numPrefixTokens == 2 && m.config.numPositions == 198)
        #expect(throws: FormatError.self) { _ = try ModelFactory.random(architecture: "vit_enormous", classes: 1, seed: 0) }
    }
}
