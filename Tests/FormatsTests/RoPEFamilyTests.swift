import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// The RoPE families' own seams: DINOv3 between timm's and transformers' names (the other library's
/// file, bit for bit), the zero key bias neither stores, the tables' layouts, and a RoPE-only model
/// at another resolution.
@Suite struct RoPEFamilyTests {
    static let root = FamilyFixture.root + "/rope"

    func expectSame(_ got: [String: Tensor], _ want: [String: Tensor], _ what: String) {
        #expect(Set(got.keys) == Set(want.keys), "\(what): only in vitopt's \(Set(got.keys).subtracting(want.keys).sorted().prefix(5)), only in the golden \(Set(want.keys).subtracting(got.keys).sorted().prefix(5))")
        for (name, t) in want {
            guard let g = got[name] else { continue }
            #expect(g.shape == t.shape && g.bitwiseEqual(t), "\(what): '\(name)' differs (\(g.shape) vs \(t.shape))")
        }
    }

    @Test func dinov3HFToTimmIsTimmsFileBitExact() throws {
        let model = try ModelLoader.load(Self.root + "/hf-dinov3/model.safetensors").model
        let got = try NamingMapper.names(for: model, convention: .timm)
        expectSame(got, try SafetensorsFile(path: Self.root + "/timm-dinov3/model.safetensors").tensors, "hf → timm")
    }

    @Test func dinov3TimmToHFIsTransformersFileBitExact() throws {
        let model = try ModelLoader.load(Self.root + "/timm-dinov3/model.safetensors").model
        var got = try NamingMapper.names(for: model, convention: .hf)
        var want = try SafetensorsFile(path: Self.root + "/hf-dinov3/model.safetensors").tensors
        // transformers' unused mask token is written as its initial zeros (timm has none to carry).
        let mask = try #require(got[DINOv3Names.maskToken])
        got[DINOv3Names.maskToken] = nil
        #expect(mask.shape == [1, 1, 16] && mask.floatArray().allSatisfy { $0 == 0 })
        want[DINOv3Names.maskToken] = nil
        expectSame(got, want, "timm → hf")
    }

    @Test func theKeyBiasNeitherStoresReadsAsZeros() throws {
        for file in ["hf-dinov3", "timm-dinov3", "timm-eva02-split"] {
            let model = try ModelLoader.load(Self.root + "/\(file)/model.safetensors").model
            let bias = model.packedQKV ? model.tensors[ViTTensorKey(.qkvBias, block: 1)]?.slice(rows: 16..<32)
                                       : model.tensors[ViTTensorKey(.kBias, block: 1)]
            let zeros = try #require(bias, "\(file): no key bias").floatArray()
            #expect(!zeros.isEmpty && zeros.allSatisfy { $0 == 0 }, "\(file)")
        }
    }

    @Test func evaSplitMLPAndUnfusedProjectionsAreRead() throws {
        let loaded = try ModelLoader.load(Self.root + "/timm-eva02-split/model.safetensors")
        let c = loaded.model.config
        #expect(c.mlpNorm && c.mlpActivation == .swiglu && c.rope == .eva(refGrid: [4, 4]) && c.absolutePositions)
        #expect(!loaded.model.packedQKV && loaded.warnings.isEmpty, "\(loaded.warnings)")
        // Written back in timm's names: fused qkv with q/v biases, fc1 still split (the inner norm says SwiGLU).
        let names = try NamingMapper.names(for: loaded.model, convention: .timm)
        #expect(names["blocks.0.attn.qkv.weight"]?.shape == [96, 32] && names["blocks.0.attn.q_bias"] != nil)
        #expect(names["blocks.0.mlp.fc1_g.weight"] != nil && names["blocks.0.mlp.fc1_x.bias"] != nil && names["blocks.0.mlp.fc1.weight"] == nil)
    }

    @Test func tablesFollowTheLibrariesLayouts() {
        // DINOv3 on a 2×2 grid, head width 8: centres ±0.5, bands 2π/100^(j/2).
        let d = ViTRoPE.dinov3().tables(grid: [2, 2], headDim: 8)
        let angle = { (coord: Double, j: Int) in Float(sin(coord * 2 * Double.pi / pow(100, Double(j) / 2))) }
        // patch (row 0, col 1): y = −0.5, x = +0.5; halves: [y0, y1, x0, x1] twice.
        let row = Array(d.sin[8..<16])
        #expect(row == [angle(-0.5, 0), angle(-0.5, 1), angle(0.5, 0), angle(0.5, 1)] + [angle(-0.5, 0), angle(-0.5, 1), angle(0.5, 0), angle(0.5, 1)])
        // EVA on a 2×2 grid rescaled to 4×4: indices 0, 2; interleaved pairs.
        let e = ViTRoPE.eva(refGrid: [4, 4]).tables(grid: [2, 2], headDim: 8)
        let freq = { (j: Int) in 1 / pow(10000.0, Double(j) / 2) }
        let last = Array(e.cos[24..<32])  // row 1, col 1: y = x = 2
        let want: [Float] = [0, 1, 0, 1].map { Float(cos(2 * freq($0 % 2))) }
        #expect(last == [want[0], want[0], want[1], want[1], want[2], want[2], want[3], want[3]])
    }

    @Test func aRoPEOnlyModelRunsAtAnotherSizeWithoutResampling() throws {
        let loaded = try ModelLoader.load(Self.root + "/hf-dinov3/model.safetensors")
        let (model, summary) = try loaded.model.resized(imageSize: [48, 48], interpolation: ResamplePreset.hf.interpolation)
        #expect(summary.notes.contains { $0.contains("no position table") && $0.contains("RoPE") }, "\(summary.notes)")
        #expect(model.tensors.keys.allSatisfy { loaded.model.tensors[$0]?.bitwiseEqual(model.tensors[$0]!) == true })
        let graph = try ViTGraphBuilder.build(model)
        #expect(graph.initializers[ViTGraphBuilder.ropeSin]?.shape == [36, 8])
    }

    @Test func aConfigAskingForAnotherRoPEIsRefusedByName() throws {
        let dir = Fixtures.scratch("rope-mixed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/timm-eva02/model.safetensors"))
        try data.write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let json = #"{"architecture": "eva02_tiny_patch14_224", "num_classes": 4, "model_args": {"img_size": 32, "patch_size": 8, "embed_dim": 16, "depth": 2, "num_heads": 2, "rope_type": "mrope"}}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        do {
            _ = try ModelLoader.load(dir + "/model.safetensors")
            Issue.record("an mrope config loaded")
        } catch {
            #expect("\(error)".contains("rope_type") && "\(error)".contains("mrope"), "\(error)")
        }
    }
}
