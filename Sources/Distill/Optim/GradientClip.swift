import Graph

/// Global-norm gradient clipping as `torch.nn.utils.clip_grad_norm_`: with `‖g‖₂` over every parameter
/// (accumulated in float64), scales all gradients by `min(1, maxNorm / (‖g‖ + 1e-6))`.
public enum GradientClip {
    /// - Returns: the norm before clipping (NaN/inf when a gradient is not finite).
    @discardableResult
    public static func clip(_ parameters: any FlatParameters, maxNorm: Float?) -> Double {
        let g = parameters.grads.mutableFloats
        var sq = 0.0
        for i in 0..<parameters.count { sq += Double(g[i]) * Double(g[i]) }
        let norm = sq.squareRoot()
        if let maxNorm, norm.isFinite {
            let coef = Float(Double(maxNorm) / (norm + 1e-6))
            if coef < 1 { for i in 0..<parameters.count { g[i] *= coef } }
        }
        return norm
    }
}
