import Foundation

/// Swin v2's continuous position bias inputs, shared by the `ContinuousPositionBias` kernel and its
/// ONNX export: the log-spaced relative coordinate table both libraries compute
/// (`relative_coords_table`, timm `_make_pair_wise_relative_positions`, transformers
/// `create_coords_table_and_index`).
package enum SwinContinuousPositionBias {
    /// Swin v2's clamp on the attention logit scale, `ln(1 / 0.01)` rounded to fp32 (the libraries'
    /// `clamp(max=math.log(1. / 0.01))` on an fp32 tensor).
    package static let maxLogitScale = Float(4.605170185988092)

    /// `[(2Wh−1)(2Ww−1), 2]` row-major (dy outer, dx inner): for each offset `(dy, dx)` in
    /// `−(W−1)…W−1`, `v = 8·d / max(P − 1, 1)` with `P` the pretrained window side when > 0, else the
    /// window side, then `sign(v)·log2(|v| + 1) / 3`. fp32, in the libraries' order of operations.
    package static func coordinates(window: [Int], pretrained: [Int]) -> [Float] {
        let norm = (0..<2).map { Float(max((pretrained[$0] > 0 ? pretrained[$0] : window[$0]) - 1, 1)) }
        var out: [Float] = []
        out.reserveCapacity((2 * window[0] - 1) * (2 * window[1] - 1) * 2)
        func f(_ d: Int, _ axis: Int) -> Float {
            let v = Float(d) / norm[axis] * 8
            let s: Float = v > 0 ? 1 : (v < 0 ? -1 : 0)
            return s * log2(abs(v) + 1) / 3
        }
        for dy in -(window[0] - 1)..<window[0] {
            for dx in -(window[1] - 1)..<window[1] { out.append(f(dy, 0)); out.append(f(dx, 1)) }
        }
        return out
    }
}
