#if canImport(Glibc)
import Glibc
#endif
import Graph

/// AdamW with decoupled weight decay, PyTorch's `torch.optim.AdamW` update in fp32, element for element:
/// `p ← p·(1 − lr·wd)` (decayed entries only), `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − (lr / (1−β1ᵗ)) · m / (sqrt(v)/sqrt(1−β2ᵗ) + eps)`.
/// Which entries decay is each entry's `decays` (`ParameterSet.decays`, timm's `param_groups_weight_decay`).
public final class AdamW {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-8
    public var weightDecay: Float
    /// First and second moments, one float per parameter.
    public let m: Tensor, v: Tensor
    /// Steps taken.
    public internal(set) var step = 0
    private let layout: [FlatParameterEntry]
    private let parameters: any FlatParameters

    public init(_ parameters: any FlatParameters, weightDecay: Float) {
        self.parameters = parameters
        self.weightDecay = weightDecay
        self.m = Tensor(zeros: .f32, shape: [parameters.count])
        self.v = Tensor(zeros: .f32, shape: [parameters.count])
        self.layout = parameters.layout
    }

    /// One update with learning rate `lr` from `parameters.grads`.
    public func update(lr: Float, context: ExecutionContext) {
        step += 1
        let bc1 = 1 - Float(pow(Double(beta1), Double(step))), bc2 = 1 - Float(pow(Double(beta2), Double(step)))
        let stepSize = lr / bc1, bc2Sqrt = bc2.squareRoot()
        let p = parameters.values.mutableFloats, g = parameters.grads.floats, mm = m.mutableFloats, vv = v.mutableFloats
        let (b1, b2, e) = (beta1, beta2, eps)
        for entry in layout {
            let decay: Float = entry.decays ? 1 - lr * weightDecay : 1
            context.parallelFor(entry.count, minChunk: 1 << 15) { range in
                for j in range {
                    let k = entry.offset + j
                    p[k] *= decay
                    mm[k] = mm[k] * b1 + (1 - b1) * g[k]
                    vv[k] = vv[k] * b2 + (1 - b2) * g[k] * g[k]
                    p[k] -= stepSize * (mm[k] / (vv[k].squareRoot() / bc2Sqrt + e))
                }
            }
        }
    }
}
