import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// `vitopt distill` with a `Dinov2WithRegistersForImageClassification` teacher: the student is a
/// DINOv2 with the teacher's registers, written as transformers' registers model, and runs.
@Suite struct FamilyRegistersDistillCLITests {
    @Test func registersTeacherGivesAnHFRegistersStudent() throws {
        let dir = Fixtures.scratch("distill-family-dinov2-registers")
        let (r, out) = try FamilyDistillCLITests.distill("families/dinov2-registers/hf-classifier/model.safetensors", dir,
                                                         extra: ["--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try FamilyDistillCLITests.reloadAndRun(out, output: "logits", width: 3)
        let c = s.model.config
        #expect(s.convention == .hf && c.family == "dinov2" && c.depth == 1 && c.regTokens == 4 && !c.posEmbedIncludesPrefix, "\(c)")
        #expect(c.globalPool == "token_avg" && c.layerScale && c.maskToken, "\(c)")
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("Dinov2WithRegistersForImageClassification") && config.contains("\"num_register_tokens\" : 4"), "\(config)")
    }
}
