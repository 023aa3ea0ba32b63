import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// `AttentionMaps` against timm's own attention probabilities (`samples/gen_attention.py`: `fused_attn`
/// off, a hook on `attn_drop`), per head and for rollout, at 1e-6 absolute (the maps are probabilities,
/// of order 1e-2 here).
@Suite struct AttentionMapsTests {
    static let tolerance: Float = 1e-6

    func check(model: String, input: String, index: Int = 0, golden: String) throws {
        let loaded = try ModelLoader.load(Fixtures.sample(model))
        let batch = try InputLoader.load(Fixtures.sample(input), config: loaded.model.config)
        let maps = try AttentionMaps.compute(loaded.model, pixels: batch.slice(rows: index..<(index + 1)), threads: 2)
        let heads = try Fixtures.npy("attention/\(golden)_heads.npy"), rollout = try Fixtures.npy("attention/\(golden)_rollout.npy")
        #expect(maps.grid == Array(rollout.shape))
        #expect(maps.heads.count == heads.shape[0])
        let gotHeads = Tensor(shape: heads.shape, floats: maps.heads.flatMap { $0 })
        #expect(Tolerance.maxAbsDiff(gotHeads, heads) <= Self.tolerance, "\(golden) heads: \(Tolerance.maxAbsDiff(gotHeads, heads))")
        let gotRollout = Tensor(shape: rollout.shape, floats: maps.rollout)
        #expect(Tolerance.maxAbsDiff(gotRollout, rollout) <= Self.tolerance, "\(golden) rollout: \(Tolerance.maxAbsDiff(gotRollout, rollout))")
    }

    @Test(arguments: [("3/0.png", "digits_3_0"), ("7/1.png", "digits_7_1")])
    func digitsTeacherOnPNGs(_ image: String, _ golden: String) throws {
        try check(model: "digits/timm/model.safetensors", input: "digits/images/\(image)", golden: golden)
    }

    /// Class and distillation tokens: both are left out of the maps.
    @Test func deitWithDistillationToken() throws {
        try check(model: "deit-distilled/model.safetensors", input: "inputs/batch224.npy", golden: "deit_distilled")
    }

    @Test func modelWithoutClassTokenIsRefused() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("distill/tiny-ls/model.safetensors"))
        let x = try Fixtures.npy("distill/tiny-ls/input.npy")
        #expect(throws: GraphError.self) { try AttentionMaps.compute(loaded.model, pixels: x.slice(rows: 0..<1)) }
    }

    /// The PNG decodes back with the promised layout: one tile per map plus the image, 224 px tiles.
    @Test func pictureThroughTheCLI() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try BinaryRunner.run(["attention", Fixtures.sample("digits/timm/model.safetensors"),
                                      "--input", Fixtures.sample("digits/images/3/0.png"), "--out", "\(dir)/map.png"])
        #expect(r.status == 0, "\(r.stderr)")
        let image = try ImageDecoder.decodePNG(Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/map.png"))), name: "map.png")
        // 32 px input scaled ×7 = 224; 6 tiles (image, rollout, 4 heads) with 4 px gaps.
        #expect(image.height == 224 && image.width == 6 * 224 + 5 * 4)
        let json = try BinaryRunner.run(["attention", Fixtures.sample("digits/timm/model.safetensors"),
                                         "--input", Fixtures.sample("digits/images/3/0.png"), "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["heads"] as? [[Double]])?.count == 4 && (object?["grid"] as? [Int]) == [8, 8])
    }
}
