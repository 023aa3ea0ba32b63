import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// DINOv2 with registers between transformers' arrangement (the position table covers the class
/// token, not the registers) and timm's (`vit_*_reg4_dinov2`: patches only, the class row summed
/// into `cls_token`), on `samples/families/dinov2-registers/` (the same weights in both libraries,
/// the timm copy made by timm's own `checkpoint_filter_fn`).
@Suite struct FamilyRegistersTests {
    static let root = FamilyFixture.root + "/dinov2-registers"

    @Test func hfFileIsReadInTimmsForm() throws {
        let loaded = try ModelLoader.load(Self.root + "/hf")
        let c = loaded.model.config
        #expect(loaded.convention == .hf && c.family == "dinov2" && c.regTokens == 4 && !c.posEmbedIncludesPrefix, "\(c)")
        #expect(c.positionResample == ResamplePreset.timm.rawValue && c.maskToken && c.layerScale)
        #expect(loaded.model.tensors[ViTTensorKey(.posEmbed)]?.shape == [1, 16, 16])
        let classifier = try ModelLoader.load(Self.root + "/hf-classifier").model.config
        #expect(classifier.numClasses == 3 && classifier.pooling == .tokenAvg && classifier.regTokens == 4, "\(classifier)")
    }

    /// timm → transformers: every tensor as transformers holds it, except the class token, which
    /// keeps the sum, and the table's class row, which is zero (the same computation).
    @Test func timmToHFKeepsEveryTensorAndZeroesTheClassRow() throws {
        let timm = try ModelLoader.load(Self.root + "/timm/model.safetensors")
        let got = try NamingMapper.names(for: timm.model, convention: .hf)
        let want = try SafetensorsFile(path: Self.root + "/hf/model.safetensors").tensors
        #expect(Set(got.keys) == Set(want.keys), "\(Set(got.keys).symmetricDifference(want.keys).sorted())")
        let (cls, pos) = ("embeddings.cls_token", "embeddings.position_embeddings")
        for (name, t) in want where name != cls && name != pos && name != "embeddings.mask_token" {
            #expect(got[name]?.bitwiseEqual(t) == true, "'\(name)' differs")
        }
        let table = try #require(got[pos])
        #expect(table.shape == [1, 17, 16])
        let rows = table.floatArray(), original = try #require(want[pos]).floatArray()
        #expect(rows.prefix(16).allSatisfy { $0 == 0 } && Array(rows.dropFirst(16)) == Array(original.dropFirst(16)))
        let timmCls = try SafetensorsFile(path: Self.root + "/timm/model.safetensors").tensors["cls_token"]
        #expect(try #require(got[cls]).bitwiseEqual(try #require(timmCls)))
        // ... which is transformers' class token plus its position row, summed in fp32.
        let sum = zip(try #require(want[cls]).floatArray(), original.prefix(16)).map { $0 + $1 }
        #expect(try #require(got[cls]).floatArray() == sum)
    }

    /// A transformers folder written from the timm file: `Dinov2WithRegistersModel`'s config, read back
    /// as the same model, and its outputs are transformers' goldens.
    @Test func hfFolderFromTimmRunsAsTransformers() throws {
        let timm = try ModelLoader.load(Self.root + "/timm/model.safetensors")
        let dir = Fixtures.scratch("dinov2-registers-hf")
        _ = try ModelSaver.save(timm.model, to: dir + "/model.safetensors", naming: .hf, writeConfigJSON: true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any])
        #expect(json["model_type"] as? String == "dinov2_with_registers" && json["num_register_tokens"] as? Int == 4, "\(json)")
        #expect(json["architectures"] as? [String] == ["Dinov2WithRegistersModel"])
        let back = try ModelLoader.load(dir)
        #expect(back.model.config.regTokens == 4 && !back.model.config.posEmbedIncludesPrefix)
        let original = try NamingMapper.names(for: timm.model, convention: .timm)
        let again = try NamingMapper.names(for: back.model, convention: .timm)
        #expect(Set(again.keys) == Set(original.keys))
        for (name, t) in original {
            #expect(again[name]?.bitwiseEqual(t) == true, "'\(name)' differs after timm → hf → timm")
        }
        let x = try NpyArray.read(path: Self.root + "/input.npy")
        let out = try Executor(graph: try back.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])
        let want = try NpyArray.read(path: Self.root + "/hf/last_hidden_state.npy")
        let got = try #require(out["last_hidden_state"])
        #expect(Tolerance.close(got, want, relative: 1e-5), "max diff \(Tolerance.maxAbsDiff(got, want))")
    }
}
