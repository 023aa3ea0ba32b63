import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// `vitopt distill` with teachers of the other families (samples/families): the student is of the
/// teacher's family and convention, keeps its features, reloads from its own files and runs.
@Suite struct FamilyDistillCLITests {
    /// `count` random images `[count, 3, side, side]` (seeded normal values) as a float `.npy`.
    static func data(_ dir: String, count: Int = 16, side: Int = 32) throws -> String {
        var rng = SeededGenerator(seed: 5)
        let x = Tensor(shape: [count, 3, side, side], floats: (0..<(count * 3 * side * side)).map { _ in rng.normal() })
        try NpyArray.write(x, to: dir + "/x.npy")
        return dir + "/x.npy"
    }

    /// Loads the saved student from its folder and runs it on two images: finite outputs of `width`.
    static func reloadAndRun(_ path: String, output: String, width: Int) throws -> LoadedModel {
        let student = try ModelLoader.load(path)
        let exec = try Executor(graph: try ViTGraphBuilder.build(student.model), threads: 1)
        let c = student.model.config
        var rng = SeededGenerator(seed: 9)
        let x = Tensor(shape: [2, c.channels, c.imageSize[0], c.imageSize[1]],
                       floats: (0..<(2 * c.channels * c.imageSize[0] * c.imageSize[1])).map { _ in rng.normal() })
        let out = try #require(try exec.run([exec.graph.inputs[0].name: x])[output], "\(exec.graph.outputs)")
        #expect(out.shape == [2, width] && out.floatArray().allSatisfy(\.isFinite), "\(out.shape)")
        return student
    }

    static func distill(_ teacher: String, _ dir: String, extra: [String]) throws -> (BinaryRunner.Result, String) {
        let x = try data(dir)
        let out = dir + "/student/model.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample(teacher), "--data", x, "--out", out, "--epochs", "2",
                                      "--batch", "8", "--threads", "1", "--latency-runs", "0", "--json"] + extra)
        return (r, out)
    }

    @Test func clipTeacherGivesAClipStudent() throws {
        let dir = Fixtures.scratch("distill-family-clip")
        let (r, out) = try Self.distill("families/clip/timm-quickgelu/model.safetensors", dir, extra: ["--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.reloadAndRun(out, output: "logits", width: 12)
        let c = s.model.config
        #expect(s.convention == .timm && c.family == "clip" && c.depth == 1 && c.embedDim == 16, "\(c)")
        #expect(c.normPre && !c.patchBias && c.activation == "quick_gelu" && c.eps == 1e-5, "\(c)")
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("quickgelu") || config.contains("quick_gelu"), "\(config)")
    }

    @Test func narrowerClipStudentKeepsTheFamilyFeatures() throws {
        let dir = Fixtures.scratch("distill-family-clip-narrow")
        let (r, out) = try Self.distill("families/clip/timm-quickgelu/model.safetensors", dir,
                                        extra: ["--student-dim", "8", "--student-heads", "2", "--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try Self.reloadAndRun(out, output: "logits", width: 12).model.config
        #expect(c.family == "clip" && c.embedDim == 8 && c.mlpHidden == 16 && c.normPre && !c.patchBias && c.activation == "quick_gelu", "\(c)")
    }

    @Test func dinov2ClassifierTeacherGivesAnHFDinov2Student() throws {
        let dir = Fixtures.scratch("distill-family-dinov2")
        let (r, out) = try Self.distill("families/dinov2/hf-classifier/model.safetensors", dir, extra: ["--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.reloadAndRun(out, output: "logits", width: 3)
        let c = s.model.config
        #expect(s.convention == .hf && c.family == "dinov2" && c.depth == 1, "\(c)")
        #expect(c.globalPool == "token_avg" && c.layerScale && c.maskToken, "\(c)")
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("\"model_type\" : \"dinov2\"") || config.contains("\"model_type\": \"dinov2\""), "\(config)")
        #expect(config.contains("Dinov2ForImageClassification"), "\(config)")
    }

    /// A CLIP tower with a projection and no head: the student's image embedding regresses the teacher's.
    @Test func headlessClipTeacherIsDistilledOnItsImageEmbedding() throws {
        let dir = Fixtures.scratch("distill-family-clip-proj")
        let (r, out) = try Self.distill("families/clip/hf-vision-proj/model.safetensors", dir,
                                        extra: ["--student-depth", "1", "--student-dim", "8", "--student-heads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("feature distillation"), "\(r.stderr)")
        let s = try Self.reloadAndRun(out, output: "image_embeds", width: 12)
        #expect(s.convention == .hf && s.model.config.family == "clip" && s.model.config.projectionDim == 12 && s.model.config.embedDim == 8)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((report?["mean_cosine"] as? NSNumber) != nil && report?["agreement"] == nil, "\(r.stdout)")
        let config = try String(contentsOfFile: dir + "/student/config.json", encoding: .utf8)
        #expect(config.contains("CLIPVisionModelWithProjection"), "\(config)")
    }

    /// A DINOv2 backbone (no head, no projection): the student regresses its pooled class token, on the
    /// graph executor as on the native forward.
    @Test func headlessDinov2BackboneIsDistilledOnItsPooledFeatures() throws {
        let dir = Fixtures.scratch("distill-family-dinov2-backbone")
        let (r, out) = try Self.distill("families/dinov2/hf/model.safetensors", dir, extra: ["--student-depth", "1", "--teacher-graph"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ModelLoader.load(out)
        #expect(s.convention == .hf && s.model.config.family == "dinov2" && s.model.config.numClasses == 0 && s.model.config.depth == 1)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let cosine = (report?["mean_cosine"] as? NSNumber)?.doubleValue ?? -2
        #expect(cosine > -1 && cosine <= 1, "\(r.stdout)")
        let (narrow, _) = try Self.distill("families/dinov2/hf/model.safetensors", Fixtures.scratch("distill-family-dinov2-narrow"),
                                           extra: ["--student-dim", "8", "--student-heads", "2"])
        #expect(narrow.status != 0 && narrow.stderr.contains("needs that width"), "\(narrow.stderr)")
    }

    @Test func siglipTeacherGivesASiglipStudentWithAttentionPooling() throws {
        let dir = Fixtures.scratch("distill-family-siglip")
        let (r, out) = try Self.distill("families/siglip/timm/model.safetensors", dir, extra: ["--student-depth", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try Self.reloadAndRun(out, output: "logits", width: 5).model.config
        #expect(c.family == "siglip" && c.globalPool == "map" && !c.classToken && c.depth == 1, "\(c)")
        // HF SiglipVisionModel (no head): the student regresses the pooling head's output.
        let hfDir = Fixtures.scratch("distill-family-siglip-hf")
        let (hf, hfOut) = try Self.distill("families/siglip/hf/model.safetensors", hfDir, extra: ["--student-depth", "1"])
        #expect(hf.status == 0 && hf.stderr.contains("feature distillation"), "\(hf.stderr)")
        let s = try Self.reloadAndRun(hfOut, output: "pooler_output", width: 16)
        #expect(s.convention == .hf && s.model.config.family == "siglip" && s.model.config.activation == "gelu_tanh", "\(s.model.config)")
    }

    /// HF ViTModel with its pooler (no head): the student regresses `pooler_output`, tanh(dense(first token)).
    @Test func hfViTModelIsDistilledOnItsPoolerOutput() throws {
        let dir = Fixtures.scratch("distill-family-vit-pooler")
        let x = try Self.data(dir, count: 4, side: 224)
        let out = dir + "/student/model.safetensors"
        let r = try BinaryRunner.run(["distill", "--teacher", Fixtures.sample("hf-vitmodel/model.safetensors"), "--data", x, "--out", out,
                                      "--student-depth", "1", "--batch", "2", "--epochs", "1", "--threads", "1", "--latency-runs", "0"])
        #expect(r.status == 0 && r.stderr.contains("feature distillation"), "\(r.stderr)")
        let s = try Self.reloadAndRun(out, output: "pooler_output", width: 24)
        #expect(s.convention == .hf && s.model.config.pooler && s.model.config.depth == 1, "\(s.model.config)")
    }

    @Test func refusalsNameWhatIsMissing() throws {
        let dir = Fixtures.scratch("distill-family-refusals")
        let (hard, _) = try Self.distill("families/clip/hf-vision-proj/model.safetensors", dir, extra: ["--student-depth", "1", "--hard"])
        #expect(hard.status != 0 && hard.stderr.contains("--hard needs logits"), "\(hard.stderr)")
        let (narrow, _) = try Self.distill("families/siglip/hf/model.safetensors", dir, extra: ["--student-dim", "8", "--student-heads", "2"])
        #expect(narrow.status != 0 && narrow.stderr.contains("needs that width"), "\(narrow.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/student/model.safetensors"))
    }
}
