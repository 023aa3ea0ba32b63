import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// One training step of the tiny Swin students against PyTorch autograd and `torch.optim.AdamW`
/// (samples/gen_swin_distill.py): timm `SwinTransformer` with shifted 2×2 windows in both stages (Hinton
/// objective) and transformers `SwinModel` with 4×4 windows, a clamped unshifted last stage and the cosine
/// objective on `pooler_output`. The loss, every parameter's gradient — the relative position bias tables
/// included — (max |Δ| ≤ 1e-4 · max |grad| of that tensor, as `GradientGoldenTests`) and every parameter
/// after clipping and one AdamW step (within 1e-5 · max(1, max |p|)).
@Suite struct SwinGradientGoldenTests {
    static let fixtures = ["tiny-swin", "tiny-swin-model"]

    struct Case {
        let model: TrainableSwin
        let grads: [String: Tensor]
        let after: [String: Tensor]
        let step: [String: Any]
        let loss: Double
    }

    /// A golden file's tensors under canonical (timm) names, read by the Swin loader (config.json beside it).
    static func canonical(_ path: String) throws -> [String: Tensor] { try #require(try ModelLoader.load(path).swin).tensors }

    static func runStep(_ name: String, threads: Int = 2) throws -> Case {
        let dir = "distill/\(name)/"
        let swin = try #require(try ModelLoader.load(Fixtures.sample(dir + "model.safetensors")).swin)
        let model = try TrainableSwin(swin, threads: threads)
        let x = try Fixtures.npy(dir + "input.npy"), teacher = try Fixtures.npy(dir + "teacher_logits.npy")
        let labels = try Fixtures.npy(dir + "labels.npy").intArray()
        let step = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.sample(dir + "step.json")))) as! [String: Any]
        let kinds: [String: DistillLoss.Kind] = ["hinton": .soft, "cosine": .cosine]
        let loss = DistillLoss(kind: try #require(kinds[step["objective"] as! String]), alpha: 0.5, temperature: 2)
        model.parameters.zeroGradients()
        let out = try model.forward(x)
        let dL = Tensor(zeros: .f32, shape: out.logits.shape)
        let value = loss.evaluate(student: out.logits, distLogits: nil, teacher: teacher, labels: labels, dLogits: dL, dDistLogits: nil)
        model.backward(dLogits: dL)
        return Case(model: model, grads: try canonical(Fixtures.sample(dir + "grads.safetensors")),
                    after: try canonical(Fixtures.sample(dir + "after_step.safetensors")), step: step, loss: value.total)
    }

    /// The training forward gives the inference graph's output (`SwinGraphBuilder` on the executor).
    @Test(arguments: fixtures) func forwardMatchesTheInferenceGraph(name: String) throws {
        let swin = try #require(try ModelLoader.load(Fixtures.sample("distill/\(name)/model.safetensors")).swin)
        let model = try TrainableSwin(swin, threads: 2)
        let x = try Fixtures.npy("distill/\(name)/input.npy")
        let mine = try model.forward(x).logits.copy()
        let graph = try model.inferenceGraph()
        let exec = try Executor(graph: graph, threads: 2)
        let want = try #require(try exec.run([graph.inputs[0].name: x])[graph.outputs.contains("logits") ? "logits" : "pooler_output"])
        #expect(Tolerance.maxAbsDiff(mine, want) <= 1e-5 * max(1, Tolerance.maxAbs(want)), "max |Δ| \(Tolerance.maxAbsDiff(mine, want))")
    }

    @Test(arguments: fixtures) func gradientsMatchAutograd(name: String) throws {
        let c = try Self.runStep(name)
        let cfg = c.model.config
        if name == "tiny-swin" {
            #expect(cfg.windowAndShift(stage: 0, block: 1).shift == [1, 1] && cfg.windowAndShift(stage: 1, block: 1).shift == [1, 1], "\(cfg)")
        } else {
            #expect(cfg.numClasses == 0 && cfg.windowAndShift(stage: 0, block: 1).shift == [2, 2] && cfg.windowAndShift(stage: 1, block: 1).shift == [0, 0])
        }
        let want = c.step["loss"] as! Double
        #expect(abs(c.loss - want) <= 1e-5 * max(1, abs(want)), "loss \(c.loss) vs \(want)")
        let got = c.model.parameters.tensors(from: c.model.parameters.grads)
        #expect(Set(got.keys) == Set(c.grads.keys))
        #expect(got.keys.filter { $0.hasSuffix("relative_position_bias_table") }.count == 4)
        for (key, g) in c.grads {
            let mine = try #require(got[key]).reshaped(g.shape)
            let diff = Tolerance.maxAbsDiff(mine, g), scale = Tolerance.maxAbs(g)
            #expect(scale > 0, "\(name) \(key): autograd's gradient is zero")
            #expect(diff <= 1e-4 * scale, "\(name) \(key): max |Δgrad| \(diff) vs max |grad| \(scale)")
        }
    }

    /// AdamW is fed autograd's gradients (as in `GradientGoldenTests`), so the step checks the decay groups.
    @Test(arguments: fixtures) func adamWStepMatchesPyTorch(name: String) throws {
        let c = try Self.runStep(name)
        let p = c.model.parameters
        for e in p.layout { p.grads.mutableFloats.advanced(by: e.offset).update(from: c.grads[e.name]!.asF32().floats, count: e.count) }
        try AdamWStepGolden.check(name, parameters: p, context: c.model.context, step: c.step, after: c.after) { p.tensors() }
    }

    /// The same step on 1 and 3 threads gives the same gradients up to OpenBLAS's rounding, and a repeated
    /// step on 3 threads the same bits (the bias tables' scatter-add is summed per head in window order).
    @Test func threadCountDoesNotChangeGradients() throws {
        let a = try Self.runStep("tiny-swin", threads: 1), b = try Self.runStep("tiny-swin", threads: 3)
        #expect(Tolerance.maxAbsDiff(a.model.parameters.grads, b.model.parameters.grads) <= 1e-5 * Tolerance.maxAbs(a.model.parameters.grads))
        let again = try Self.runStep("tiny-swin", threads: 3)
        #expect(again.model.parameters.grads.bitwiseEqual(b.model.parameters.grads), "a repeated step differs")
    }
}
