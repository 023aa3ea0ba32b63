import Distill
import Graph
import Testing
import TestSupport

/// The step half of the gradient goldens (samples/gen_distill.py, gen_swin_distill.py), shared by
/// the ViT, BEiT and Swin students: with autograd's gradients already in `parameters`, clip them as
/// `clip_grad_norm_` (`step.json` `max_norm`; the pre-clip norm within 1e-5 relative of
/// `grad_norm`), take one AdamW step (`weight_decay`, `lr`) and compare every parameter with
/// `torch.optim.AdamW`'s (within 1e-5 · max(1, max |p|)).
enum AdamWStepGolden {
    /// - Parameters:
    ///   - name: the fixture, for messages.
    ///   - after: the parameters PyTorch holds after the step, by key.
    ///   - tensors: the student's parameters after vitopt's step, by the same keys.
    static func check<Key: Hashable & CustomStringConvertible>(_ name: String, parameters: any FlatParameters, context: ExecutionContext,
                                                               step: [String: Any], after: [Key: Tensor],
                                                               tensors: () -> [Key: Tensor]) throws {
        let norm = GradientClip.clip(parameters, maxNorm: Float(try #require(step["max_norm"] as? Double)))
        let wantNorm = try #require(step["grad_norm"] as? Double)
        #expect(abs(norm - wantNorm) <= 1e-5 * wantNorm, "\(name): grad norm \(norm) vs \(wantNorm)")
        let opt = AdamW(parameters, weightDecay: Float(try #require(step["weight_decay"] as? Double)))
        opt.update(lr: Float(try #require(step["lr"] as? Double)), context: context)
        let got = tensors()
        for (key, want) in after {
            let mine = try #require(got[key]).reshaped(want.shape)
            #expect(Tolerance.close(mine, want, relative: 1e-5), "\(name) \(key): max |Δp| \(Tolerance.maxAbsDiff(mine, want))")
        }
    }
}
