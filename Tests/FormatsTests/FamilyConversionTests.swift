import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Conversions between a family's conventions against the same weights as the other library
/// holds them (written by timm's own `checkpoint_filter_fn`, or renamed by `gen_families.py`):
/// every tensor name and bit equal. Tensors the target library adds with a fixed value (timm's
/// zero `head.bias` for a CLIP projection) are left out by name.
@Suite struct FamilyConversionTests {
    static func tensors(_ relative: String) throws -> [String: Tensor] {
        let file = try SafetensorsFile(path: FamilyFixture.root + "/" + relative)
        return file.tensors
    }

    func expectSame(_ got: [String: Tensor], _ want: [String: Tensor], _ what: String) {
        #expect(Set(got.keys) == Set(want.keys), "\(what): only in vitopt's \(Set(got.keys).subtracting(want.keys).sorted().prefix(5)), only in the golden \(Set(want.keys).subtracting(got.keys).sorted().prefix(5))")
        for (name, t) in want {
            guard let g = got[name] else { continue }
            #expect(g.shape == t.shape && g.bitwiseEqual(t), "\(what): '\(name)' differs (\(g.shape) vs \(t.shape))")
        }
    }

    @Test(arguments: [
        ("clip/openclip/visual.safetensors", NamingConvention.hf, "clip/hf-vision-proj/model.safetensors"),
        ("clip/hf-vision-proj/model.safetensors", .openclip, "clip/openclip/visual.safetensors"),
        ("siglip/timm-pooled/model.safetensors", .hf, "siglip/hf/model.safetensors"),
        ("siglip/hf/model.safetensors", .timm, "siglip/timm-pooled/model.safetensors"),
        ("dinov2/hf/model.safetensors", .timm, "dinov2/timm/model.safetensors"),
        ("dinov2-registers/hf/model.safetensors", .timm, "dinov2-registers/timm/model.safetensors"),
        ("siglip2/hf/model.safetensors", .timm, "siglip2/timm/model.safetensors"),
        ("clip/timm-quickgelu/model.safetensors", .openclip, "clip/openclip/visual.safetensors"),
        ("clip/openclip/visual.safetensors", .timm, "clip/timm-quickgelu/model.safetensors"),
    ])
    func convertsToTheOtherLibrarysNames(_ source: String, _ convention: NamingConvention, _ golden: String) throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/" + source)
        var want = try Self.tensors(golden)
        var model = loaded.model
        model.extras = [:]
        if convention == .timm {
            // timm's DINOv2 has no mask token; vitopt drops it with the HF naming's other extras.
            model.config.maskToken = false
            model.tensors[ViTTensorKey(.maskToken)] = nil
        }
        let got = try NamingMapper.names(for: model, convention: convention)
        want = want.filter { !$0.key.hasPrefix("head.") || got[$0.key] != nil }
        expectSame(got, want, "\(source) → \(convention)")
    }

    @Test func clipTowerRoundTripsThroughEveryConventionBitExact() throws {
        let original = try ModelLoader.load(FamilyFixture.root + "/clip/openclip/visual.safetensors").model
        let dir = Fixtures.scratch("clip-conventions")
        var current = original
        for convention in [NamingConvention.hf, .timm, .openclip] {
            let path = dir + "/\(convention.rawValue).safetensors"
            _ = try ModelSaver.save(current, to: path, naming: convention, writeConfigJSON: false)
            current = try ModelLoader.load(path).model
            #expect(current.config.family == "clip", "\(convention): read back as \(current.config.family)")
        }
        let a = try NamingMapper.names(for: original, convention: .openclip), b = try NamingMapper.names(for: current, convention: .openclip)
        expectSame(b, a, "openclip → hf → timm → openclip")
    }
}
