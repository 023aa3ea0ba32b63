import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// `vitopt distill` with BEiT and Data2Vec-vision teachers (issue #14): the student is a BEiT of the
/// teacher's layout (relative position bias per block or shared, with or without the absolute table),
/// convention and `config.json`, has no key bias in its file, reloads as that family and runs.
@Suite struct BEiTDistillCLITests {
    static func distill(_ teacher: String, _ name: String, extra: [String]) throws -> (BinaryRunner.Result, String, String) {
        let dir = Fixtures.scratch(name)
        let x = try FamilyDistillCLITests.data(dir, count: 8)
        let out = dir + "/student/model.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample(teacher), "--data", x, "--out", out, "--epochs", "1",
                                      "--batch", "4", "--threads", "1", "--latency-runs", "0", "--json"] + extra)
        return (r, out, dir)
    }

    /// The tensor names of a saved student: none of them a key bias.
    static func expectNoKeyBias(_ path: String) throws {
        let names = Array(try SafetensorsFile(path: path).tensors.keys)
        #expect(!names.isEmpty && !names.contains { $0.contains("k_bias") || $0.contains("key.bias") }, "\(names)")
    }

    /// timm's `beit_*` (a table per block, no absolute table, mean pooling + fc_norm) → a one-block BEiT
    /// copied from its first layer, in timm's convention with `Beit`'s config.
    @Test func timmBEiTTeacherGivesATimmBEiTStudent() throws {
        let (r, out, dir) = try Self.distill("families/beit/timm/model.safetensors", "distill-beit-timm", extra: ["--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("teacher on the native forward"), "\(r.stderr)")
        let s = try FamilyDistillCLITests.reloadAndRun(out, output: "logits", width: 3)
        let c = s.model.config
        #expect(s.convention == .timm && c.family == "beit" && c.depth == 1 && c.relativeBias == .perBlock && !c.absolutePositions, "\(c)")
        #expect(c.layerScale && c.pooling == .avg && c.fcNorm, "\(c)")
        try Self.expectNoKeyBias(out)
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("beit_base_patch16_224") && config.contains("\"use_rel_pos_bias\" : true"), "\(config)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["agreement"] != nil, "\(r.stdout)")
    }

    /// HF Data2VecVisionForImageClassification → a narrower, freshly initialised Data2Vec-vision student
    /// in transformers' convention (timm's Beit init: zero tables, LayerScale 0.1).
    @Test func data2VecTeacherGivesANarrowerData2VecStudent() throws {
        let (r, out, dir) = try Self.distill("families/data2vec_vision/hf-classifier/model.safetensors", "distill-beit-data2vec",
                                             extra: ["--student-dim", "16", "--student-heads", "2", "--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try FamilyDistillCLITests.reloadAndRun(out, output: "logits", width: 3)
        let c = s.model.config
        #expect(s.convention == .hf && c.family == "data2vec_vision" && c.embedDim == 16 && c.relativeBias == .perBlock, "\(c)")
        try Self.expectNoKeyBias(out)
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("Data2VecVisionForImageClassification") && config.contains("\"layer_scale_init_value\" : 0.1"), "\(config)")
    }

    /// HF BeitModel (no head; the shared table and the absolute table): feature distillation of its pooled
    /// class token, the student keeping both position schemes.
    @Test func headlessSharedTableBEiTIsDistilledOnItsPooledFeatures() throws {
        let (r, out, _) = try Self.distill("families/beit/hf-shared/model.safetensors", "distill-beit-shared", extra: ["--student-depth", "1"])
        #expect(r.status == 0 && r.stderr.contains("feature distillation"), "\(r.stderr)")
        let s = try FamilyDistillCLITests.reloadAndRun(out, output: "pooler_output", width: 32)
        let c = s.model.config
        #expect(s.convention == .hf && c.family == "beit" && c.relativeBias == .shared && c.absolutePositions && c.numClasses == 0, "\(c)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((report?["mean_cosine"] as? NSNumber) != nil, "\(r.stdout)")
    }
}
