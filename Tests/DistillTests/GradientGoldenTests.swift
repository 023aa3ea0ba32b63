import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// One training step of the tiny fixtures (plain, distillation token, LayerScale + fc_norm + avg pool
/// without a class token, and the families' features: `fixtures`) against PyTorch autograd and `torch.optim.AdamW`
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

    /// The tensors of a golden file by key, HF's q, k, v packed as the training engine keeps them.
    static func keyed(_ path: String, config: ViTConfig) throws -> [ViTTensorKey: Tensor] {
        let file = try SafetensorsFile(path: path)
        return ViTDescription(config: config, tensors: try NamingMapper.match(file.tensors, path: path).tensors).packingQKV().tensors
    }

    /// Every fixture: timm plain, distillation token, LayerScale/avg/fc_norm; the families' features
    /// (timm CLIP: norm_pre, no patch bias, QuickGELU; tanh-GELU with registers; HF DINOv2: mask token,
    /// LayerScale, token_avg head, with and without SwiGLU; timm SigLIP: attention pooling; HF CLIP with
    /// projection and HF ViTModel with its pooler: feature distillation).
    static let fixtures = ["tiny", "tiny-dist", "tiny-ls", "tiny-clip", "tiny-tanh", "tiny-dinov2", "tiny-dinov2-swiglu", "tiny-siglip",
                                  "tiny-clip-proj", "tiny-vit-pooler"]

    static func runStep(_ name: String, threads: Int = 2) throws -> Case {
        let dir = "distill/\(name)/"
        let loaded = try ModelLoader.load(Fixtures.sample(dir + "model.safetensors"))
        let model = try TrainableViT(loaded.model, threads: threads)
        let x = try Fixtures.npy(dir + "input.npy"), teacher = try Fixtures.npy(dir + "teacher_logits.npy")
        let labels = try Fixtures.npy(dir + "labels.npy").intArray()
        let step = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.sample(dir + "step.json")))) as! [String: Any]
        let kinds: [String: DistillLoss.Kind] = ["hinton": .soft, "deit-hard": .hard, "cosine": .cosine]
        let loss = DistillLoss(kind: try #require(kinds[step["objective"] as! String]), alpha: 0.5, temperature: 2)
        model.parameters.zeroGradients()
        let out = try model.forward(x)
        let dL = Tensor(zeros: .f32, shape: out.logits.shape)
        let dD = out.distLogits.map { Tensor(zeros: .f32, shape: $0.shape) }
        let value = loss.evaluate(student: out.logits, distLogits: out.distLogits, teacher: teacher, labels: labels, dLogits: dL, dDistLogits: dD)
        model.backward(dLogits: dL, dDistLogits: dD)
        return Case(model: model, grads: try keyed(Fixtures.sample(dir + "grads.safetensors"), config: model.config),
                    after: try keyed(Fixtures.sample(dir + "after_step.safetensors"), config: model.config), step: step, lossValue: value)
    }

    @Test(arguments: fixtures) func gradientsMatchAutograd(name: String) throws {
        let c = try Self.runStep(name)
        if name == "tiny-ls" {
            let cfg = c.model.config
            #expect(cfg.layerScale && cfg.fcNorm && !cfg.finalNorm && !cfg.classToken && cfg.globalPool == "avg", "\(cfg)")
        }
        let cfg = c.model.config
        switch name {
        case "tiny-clip": #expect(cfg.family == "clip" && cfg.normPre && !cfg.patchBias && cfg.activation == "quick_gelu" && cfg.eps == 1e-5, "\(cfg)")
        case "tiny-tanh": #expect(cfg.activation == "gelu_tanh" && cfg.regTokens == 2 && !cfg.posEmbedIncludesPrefix, "\(cfg)")
        case "tiny-dinov2": #expect(cfg.family == "dinov2" && cfg.globalPool == "token_avg" && cfg.maskToken && cfg.layerScale, "\(cfg)")
        case "tiny-dinov2-swiglu": #expect(cfg.family == "dinov2" && cfg.activation == "swiglu" && cfg.globalPool == "token_avg", "\(cfg)")
        case "tiny-siglip": #expect(cfg.family == "siglip" && cfg.globalPool == "map" && !cfg.classToken && cfg.activation == "gelu", "\(cfg)")
        case "tiny-vit-pooler": #expect(cfg.pooler && cfg.numClasses == 0, "\(cfg)")
        case "tiny-clip-proj": #expect(cfg.family == "clip" && cfg.numClasses == 0 && cfg.projectionDim == 8 && cfg.normPre, "\(cfg)")
        default: break
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
    @Test(arguments: fixtures) func adamWStepMatchesPyTorch(name: String) throws {
        let c = try Self.runStep(name)
        let p = c.model.parameters
        for e in p.entries { p.grad(e.key).update(from: c.grads[e.key]!.floats, count: e.count) }
        try AdamWStepGolden.check(name, parameters: p, context: c.model.context, step: c.step, after: c.after) { p.tensors() }
    }

    @Test func threadCountDoesNotChangeGradientsBeyondRounding() throws {
        let a = try Self.runStep("tiny", threads: 1), b = try Self.runStep("tiny", threads: 2)
        let ga = a.model.parameters.grads, gb = b.model.parameters.grads
        #expect(Tolerance.maxAbsDiff(ga, gb) <= 1e-5 * Tolerance.maxAbs(ga))
    }
}
