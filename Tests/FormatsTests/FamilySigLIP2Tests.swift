import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// transformers' `Siglip2VisionModel` at its native grid (`samples/families/siglip2/`): read as a
/// SigLIP tower (patch Linear → convolution kernel), written back as SigLIP 2 bit for bit.
@Suite struct FamilySigLIP2Tests {
    static let root = FamilyFixture.root + "/siglip2"

    @Test func readsAtItsNativeGrid() throws {
        let loaded = try ModelLoader.load(Self.root + "/hf")
        let c = loaded.model.config
        #expect(c.family == "siglip" && c.imageSize == [32, 32] && c.patchSize == [8, 8] && c.pooling == .map, "\(c)")
        #expect(c.positionResample == ResamplePreset.siglip2.rawValue && c.activation == ViTActivation.geluTanh.rawValue)
        #expect(loaded.model.tensors[ViTTensorKey(.patchWeight)]?.shape == [16, 3, 8, 8])
        #expect(!loaded.warnings.contains { $0.contains("image size not given") }, "\(loaded.warnings)")
    }

    @Test func writesSigLIP2AgainBitExact() throws {
        let loaded = try ModelLoader.load(Self.root + "/hf")
        let dir = Fixtures.scratch("siglip2-hf")
        _ = try ModelSaver.save(loaded.model, to: dir + "/model.safetensors", naming: .hf, writeConfigJSON: true)
        let got = try SafetensorsFile(path: dir + "/model.safetensors").tensors
        let want = try SafetensorsFile(path: Self.root + "/hf/model.safetensors").tensors
        #expect(Set(got.keys) == Set(want.keys), "\(Set(got.keys).symmetricDifference(want.keys).sorted())")
        for (name, t) in want { #expect(got[name]?.bitwiseEqual(t) == true, "'\(name)' differs") }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any])
        #expect(json["model_type"] as? String == "siglip2_vision_model" && json["num_patches"] as? Int == 16, "\(json)")
    }

    @Test func nonSquareGridIsRefused() throws {
        let dir = Fixtures.scratch("siglip2-bad")
        try FileManager.default.copyItem(atPath: Self.root + "/hf/model.safetensors", toPath: dir + "/model.safetensors")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.root + "/hf/config.json"))) as? [String: Any])
        json["num_patches"] = 15
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/config.json"))
        #expect { _ = try ModelLoader.load(dir) } throws: { "\($0)".contains("num_patches = 15 is not a square grid") }
    }
}
