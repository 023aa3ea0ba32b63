import Testing
import Formats
import Graph
import TestSupport

/// timm's `config.json` for a BEiT names timm's `Beit` whatever its position tables — also without an
/// absolute table (timm's default BEiT), which once fell through to `Eva`'s config, whose tensor names differ.
@Suite struct BEiTTimmConfigTests {
    @Test(arguments: ["families/beit/timm/model.safetensors", "families/data2vec_vision/hf-classifier/model.safetensors",
                      "distill/tiny-beit-shared/model.safetensors"])
    func beitIsWrittenAsTimmBeit(path: String) throws {
        let c = try ModelLoader.load(Fixtures.sample(path)).model.config
        let json = ConfigWriter.json(c, .timm)
        #expect(json["architecture"] as? String == "beit_base_patch16_224", "\(json)")
        let args = try #require(json["model_args"] as? [String: Any])
        #expect(args["use_abs_pos_emb"] as? Bool == c.absolutePositions)
        #expect(args["use_rel_pos_bias"] as? Bool == (c.relativeBias == .perBlock))
        #expect(args["use_shared_rel_pos_bias"] as? Bool == (c.relativeBias == .shared))
    }
}
