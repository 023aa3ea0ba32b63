import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// One training step of the tiny fixtures (plain, distillation token, LayerScale + fc_norm + avg pool
/// without a class token) against PyTorch autograd and `torch.optim.AdamW`
/// (samples/gen_distill.py): the loss, every parameter gradient (max |Δ| ≤ 1e-4 · max |grad| of that
/// tensor) and every parameter after clipping and one AdamW step (within 1e-5 · max(1, max |p|)).
@Suite struct GradientGoldenTests {
    struct Case {
        let model: TrainableViT
        let grads: [ViTTensorKey: Tensor]
        let after: [ViTTensorKey: Tensor]
        let step: [String: Any]
        let lossValue: DistillLoss.Value
    }

    static func keyed(_ path: String) throws -> [ViTTensorKey: Tensor] {
        let file = try SafetensorsFile(path: path)
        return try NamingMapper.match(file.tensors, path: path).tensors
    }

    static func runStep(_ name: String, threads: Int = 2) throws -> Case {
        let dir = "distill/\(name)/"
        let loaded = try ModelLoader.load(Fixtures.sample(dir + "model.safetensors"))
        let model = try TrainableViT(loaded.model, threads: threads)
        let x = try Fixtures.npy(dir + "input.npy"), teacher = try Fixtures.npy(dir + "teacher_logits.npy")
        let labels = try Fixtures.npy(dir + "labels.npy").intArray()
        let step = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.sample(dir + "step.json")))) as! [String: Any]
        let loss = DistillLoss(kind: step["objective"] as! String == "hinton" ? .soft : .hard, alpha: 0.5, temperature: 2)
        model.parameters.zeroGradients()
        let out = try model.forward(x)
        let dL = Tensor(zeros: .f32, shape: out.logits.shape)
        let dD = out.distLogits.map { Tensor(zeros: .f32, shape: $0.shape) }
        let value = loss.evaluate(student: out.logits, distLogits: out.distLogits, teacher: teacher, labels: labels, dLogits: dL, dDistLogits: dD)
        model.backward(dLogits: dL, dDistLogits: dD)
        return Case(model: model, grads: try keyed(Fixtures.sample(dir + "grads.safetensors")),
                    after: try keyed(Fixtures.sample(dir + "after_step.safetensors")), step: step, lossValue: value)
    }

    @Test(arguments: ["tiny", "tiny-dist", "tiny-ls"]) func gradientsMatchAutograd(name: String) throws {
        let c = try Self.runStep(name)
        if name == "tiny-ls" {
            let cfg = c.model.config
            #expect(cfg.layerScale && cfg.fcNorm && !cfg.finalNorm && !cfg.classToken && cfg.globalPool == "avg", "\(cfg)")
        }
        let want = c.step["loss"] as! Double
        #expect(abs(c.lossValue.total - want) <= 1e-5 * max(1, abs(want)), "loss \(c.lossValue.total) vs \(want)")
        let got = c.model.parameters.tensors(from: c.model.parameters.grads)
        #expect(Set(got.keys) == Set(c.grads.keys))
        for (key, g) in c.grads {
            let mine = try #require(got[key]).reshaped(g.shape)
            let diff = Tolerance.maxAbsDiff(mine, g), scale = Tolerance.maxAbs(g)
            #expect(diff <= 1e-4 * scale, "\(name) \(key): max |Δgrad| \(diff) vs max |grad| \(scale)")
        }
    }

    /// The optimizer is fed autograd's own gradients, so elements whose true gradient is zero (the key
    /// bias, invariant under softmax) do not turn rounding noise into ±lr steps that no tolerance can judge.
    @Test(arguments: ["tiny", "tiny-dist", "tiny-ls"]) func adamWStepMatchesPyTorch(name: String) throws {
        let c = try Self.runStep(name)
        let p = c.model.parameters
        for e in p.entries { p.grad(e.key).update(from: c.grads[e.key]!.floats, count: e.count) }
        let norm = GradientClip.clip(c.model.parameters, maxNorm: Float(c.step["max_norm"] as! Double))
        let wantNorm = c.step["grad_norm"] as! Double
        #expect(abs(norm - wantNorm) <= 1e-5 * wantNorm, "grad norm \(norm) vs \(wantNorm)")
        let opt = AdamW(c.model.parameters, weightDecay: Float(c.step["weight_decay"] as! Double))
        opt.update(lr: Float(c.step["lr"] as! Double), context: c.model.context)
        let got = c.model.parameters.tensors()
        for (key, p) in c.after {
            let mine = try #require(got[key]).reshaped(p.shape)
            #expect(Tolerance.close(mine, p, relative: 1e-5), "\(name) \(key): max |Δp| \(Tolerance.maxAbsDiff(mine, p))")
        }
    }

    @Test func threadCountDoesNotChangeGradientsBeyondRounding() throws {
        let a = try Self.runStep("tiny", threads: 1), b = try Self.runStep("tiny", threads: 2)
        let ga = a.model.parameters.grads, gb = b.model.parameters.grads
        #expect(Tolerance.maxAbsDiff(ga, gb) <= 1e-5 * Tolerance.maxAbs(ga))
    }
}
