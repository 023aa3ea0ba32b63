import Foundation
import Testing
@testable import Distill
import Formats
import Graph
import TestSupport

/// The teacher on the training engine's forward gives the graph executor's logits (fp32 rounding apart).
@Suite struct DistillTeacherTests {
    /// The digits teacher (class token), the DeiT fixture (class + distillation token: the mean of both heads),
    /// and the families' teachers: CLIP with a head and with a projection (image_embeds), DINOv2 classifier and
    /// SwiGLU backbone (its pooled class token), SigLIP (attention pooling), HF ViTModel (pooler_output).
    @Test(arguments: ["digits/timm/model.safetensors", "deit-distilled/model.safetensors", "families/clip/timm-quickgelu/model.safetensors",
                      "families/clip/hf-vision-proj/model.safetensors", "families/dinov2/hf-classifier/model.safetensors",
                      "families/dinov2/hf-swiglu/model.safetensors", "families/siglip/timm/model.safetensors",
                      "families/siglip/hf/model.safetensors", "hf-vitmodel/model.safetensors",
                      "families/dinov2-registers/hf-classifier/model.safetensors"])
    func nativeForwardMatchesTheGraphExecutor(path: String) throws {
        let loaded = try ModelLoader.load(Fixtures.sample(path))
        let c = loaded.model.config
        var rng = SeededGenerator(seed: 4)
        let x = Tensor(shape: [3, c.channels, c.imageSize[0], c.imageSize[1]],
                       floats: (0..<(3 * c.channels * c.imageSize[0] * c.imageSize[1])).map { _ in rng.normal() })
        let native = try DistillTeacher.automatic(loaded.model, threads: 2)
        guard case .native = native else { Issue.record("\(path): expected the native forward"); return }
        let exec = try Executor(graph: loaded.graph(), threads: 2)
        let want = try DistillTeacher.graph(exec).logits(x).copy()
        let got = try native.logits(x)
        #expect(got.shape == want.shape)
        #expect(Tolerance.maxAbsDiff(got, want) <= 1e-4 * max(1, Tolerance.maxAbs(want)), "\(path): \(Tolerance.maxAbsDiff(got, want))")
        // A second batch of another size reuses nothing stale.
        let x2 = x.slice(rows: 1..<2).copy()
        #expect(Tolerance.maxAbsDiff(try native.logits(x2), try DistillTeacher.graph(exec).logits(x2)) <= 1e-4 * max(1, Tolerance.maxAbs(want)))
    }

    @Test func unsupportedTeachersFallBackToTheGraph() throws {
        var c = ViTConfig(imageSize: [8, 8], patchSize: [4, 4], embedDim: 8, depth: 1, numHeads: 2, mlpHidden: 8, numClasses: 3)
        c.pooler = true  // a pooler beside a classifier: no native forward
        guard case .graph = try DistillTeacher.automatic(ViTDescription.random(config: c, seed: 1), threads: 1) else {
            Issue.record("a teacher with a pooler and a head has no native forward"); return
        }
    }

    /// A forward-only model keeps one block's buffers, not one per block.
    @Test func forwardOnlyWorkspaceIsSmaller() throws {
        let m = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors")).model
        let x = Tensor(zeros: .f32, shape: [4, 3, 32, 32])
        let train = try TrainableViT(m, threads: 1), infer = try TrainableViT(m, threads: 1, trainable: false)
        _ = try train.forward(x); _ = try infer.forward(x)
        #expect(infer.activationBytes * 3 < train.activationBytes, "\(infer.activationBytes) vs \(train.activationBytes)")
    }
}
