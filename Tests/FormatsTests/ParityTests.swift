import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// vitopt's fp32 runtime against goldens written by PyTorch (timm and transformers), at
/// max-abs ≤ 1e-4 relative to the outputs' scale, for batch 1 and batch > 1.
@Suite struct ParityTests {
    static let tolerance: Float = 1e-4

    func outputs(_ model: String, _ input: Tensor, threads: Int = 2) throws -> [String: Tensor] {
        let loaded = try ModelLoader.load(Fixtures.sample(model))
        return try Executor(graph: try loaded.graph(), threads: threads).run([ViTGraphBuilder.inputName: input])
    }

    func check(_ model: String, input: String, golden: String, output: String = "logits") throws {
        let config = try ModelLoader.load(Fixtures.sample(model)).model.config
        let x = try InputLoader.load(Fixtures.sample(input), config: config), want = try Fixtures.npy(golden)
        let got = try outputs(model, x)[output]!
        #expect(got.shape == want.shape)
        #expect(Tolerance.close(got, want, relative: Self.tolerance), "\(model): max abs diff \(Tolerance.maxAbsDiff(got, want)), scale \(Tolerance.maxAbs(want))")
        // Batch 1 gives the first row of the batched golden.
        let one = try outputs(model, x.slice(rows: 0..<1), threads: 1)[output]!
        #expect(Tolerance.close(one, want.slice(rows: 0..<1), relative: Self.tolerance))
    }

    @Test func digitsTeacherTimmNaming() throws {
        try check("digits/timm/model.safetensors", input: "digits/test_pixels.npy", golden: "digits/test_logits.npy")
    }

    @Test func digitsTeacherHFNaming() throws {
        try check("digits/hf/model.safetensors", input: "digits/test_pixels.npy", golden: "digits/test_logits_hf.npy")
    }

    @Test func huggingFaceViTForImageClassification() throws {
        try check("hf-vit/model.safetensors", input: "inputs/batch224.npy", golden: "hf-vit/logits.npy")
        let loaded = try ModelLoader.load(Fixtures.sample("hf-vit/model.safetensors"))
        #expect(loaded.model.config.eps == 1e-12 && loaded.model.config.labels?.count == 5 && loaded.warnings.isEmpty)
    }

    @Test func huggingFaceViTModelReturnsHiddenStates() throws {
        try check("hf-vitmodel/model.safetensors", input: "inputs/batch224.npy", golden: "hf-vitmodel/last_hidden_state.npy",
                  output: "last_hidden_state")
        try check("hf-vitmodel/model.safetensors", input: "inputs/batch224.npy", golden: "hf-vitmodel/pooler_output.npy",
                  output: "pooler_output")
    }

    @Test func deitDistilledAveragesBothHeads() throws {
        try check("deit-distilled/model.safetensors", input: "inputs/batch224.npy", golden: "deit-distilled/logits.npy")
        let loaded = try ModelLoader.load(Fixtures.sample("deit-distilled/model.safetensors"))
        #expect(loaded.model.config.numPrefixTokens == 2 && loaded.model.config.numHeads == 3)
    }

    @Test func timmVariantsRegistersLayerScaleAvgPool() throws {
        try check("timm-variants/model.safetensors", input: "timm-variants/input.npy", golden: "timm-variants/logits.npy")
        let c = try ModelLoader.load(Fixtures.sample("timm-variants/model.safetensors")).model.config
        #expect(c.regTokens == 2 && c.layerScale && !c.posEmbedIncludesPrefix && c.globalPool == "avg" && c.fcNorm && !c.qkvBias)
    }

    @Test func teacherAccuracyOnTheDigitsTestSet() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors"))
        let data = try Dataset.open(Fixtures.sample("digits/test_pixels.npy"), labels: Fixtures.sample("digits/test_y.npy"),
                                    config: loaded.model.config)
        let other = try ModelLoader.load(Fixtures.sample("digits/hf/model.safetensors"))
        let r = try Evaluator.evaluate(try loaded.graph(), config: loaded.model.config, data: data, against: try other.graph(), threads: 2)
        #expect(r.top1! >= 0.97)
        #expect(r.agreement == 1 && r.minCosine! > 0.99999)
    }

    @Test func convertedHFCheckpointEqualsTheReferenceOne() throws {
        // samples/generate.py wrote the HF copy with its own mapping; vitopt's timm → HF conversion must give the same bytes.
        let timm = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors"))
        let path = Fixtures.scratch() + "/hf.safetensors"
        _ = try ModelSaver.save(timm.model, to: path, naming: .hf, writeConfigJSON: false)
        let mine = try SafetensorsFile(path: path), ref = try SafetensorsFile(path: Fixtures.sample("digits/hf/model.safetensors"))
        #expect(Set(mine.names) == Set(ref.names))
        for name in ref.names { #expect(mine.tensors[name]?.bitwiseEqual(ref.tensors[name]!) == true, "\(name)") }
    }
}
