/// Where a ViT's class token looks: the last layer's attention per head, and attention rollout.
///
/// For one image, every block's attention probabilities `P = softmax(scale·Q·Kᵀ)` are recomputed from
/// the q, k, v the runtime produced (in float64, from the fp32 activations), then:
/// - `heads[h]` is the last block's row of the class token over the patch tokens for head `h` (prefix
///   tokens — class, distillation, registers — left out), as DINO's visualisation shows it;
/// - `rollout` is Abnar & Zuidema's attention rollout: per block `Ã = (mean_h P + I) / 2`, rows
///   renormalised, `R = Ã_L ··· Ã_1`, and the class token's row of `R` over the patch tokens.
/// Maps are row-major over the patch grid `grid = [rows, columns]` and are not rescaled: each head's
/// row is a slice of a probability distribution (it sums to at most 1).
public struct AttentionMaps: Sendable {
    public let grid: [Int]
    public let heads: [[Float]]
    public let rollout: [Float]
    /// The block the per-head maps come from (the last).
    public let block: Int

    /// Runs `model` on `pixels` (`[1, C, H, W]`, preprocessed) and collects its attention.
    /// - Throws: `GraphError.unsupported` for a model without a class token; graph errors from the run.
    public static func compute(_ model: ViTDescription, pixels: Tensor, threads: Int = 1) throws -> AttentionMaps {
        let c = model.config
        guard c.classToken else {
            throw GraphError.unsupported("attention maps follow the class token, and this model has none (global_pool '\(c.globalPool)')")
        }
        guard pixels.rank == 4, pixels.shape[0] == 1 else {
            throw GraphError.unsupported("attention maps are drawn for one image at a time, got a batch of shape \(pixels.shape)")
        }
        var graph = try ViTGraphBuilder.build(model)
        let attention = graph.nodes.filter { $0.op == OpKind.attention }
        guard attention.count == c.depth else { throw GraphError.unsupported("expected \(c.depth) attention nodes, found \(attention.count)") }
        for node in attention { for name in node.inputs where !graph.outputs.contains(name) { graph.outputs.append(name) } }
        let values = try Executor(graph: graph, threads: threads).run([ViTGraphBuilder.inputName: pixels])

        let grid = [c.imageSize[0] / c.patchSize[0], c.imageSize[1] / c.patchSize[1]]
        let prefix = c.numPrefixTokens
        var rollout: [Double]? = nil
        var lastHeads: [[Float]] = []
        for (b, node) in attention.enumerated() {
            let probs = try probabilities(node, values: values, heads: c.numHeads)
            let t = probs.tokens
            // Ã = (mean over heads + I) / 2, rows renormalised.
            var a = [Double](repeating: 0, count: t * t)
            for p in probs.rows { for i in 0..<(t * t) { a[i] += p[i] / Double(c.numHeads) } }
            for i in 0..<t {
                a[i * t + i] += 1
                var sum = 0.0
                for j in 0..<t { a[i * t + j] *= 0.5; sum += a[i * t + j] }
                for j in 0..<t { a[i * t + j] /= sum }
            }
            if let r = rollout {
                var next = [Double](repeating: 0, count: t * t)
                for i in 0..<t {
                    for k in 0..<t where a[i * t + k] != 0 {
                        let aik = a[i * t + k]
                        for j in 0..<t { next[i * t + j] += aik * r[k * t + j] }
                    }
                }
                rollout = next
            } else {
                rollout = a
            }
            if b == attention.count - 1 {
                lastHeads = probs.rows.map { p in (prefix..<t).map { Float(p[$0]) } }
            }
        }
        let r = rollout!
        let t = prefix + grid[0] * grid[1]
        return AttentionMaps(grid: grid, heads: lastHeads, rollout: (prefix..<t).map { Float(r[$0]) }, block: attention.count - 1)
    }

    /// Each head's `T×T` probabilities for one attention node, from its q, k, v inputs (packed or split).
    private static func probabilities(_ node: Node, values: [String: Tensor], heads: Int) throws -> (tokens: Int, rows: [[Double]]) {
        let inputs = try node.inputs.map { name -> [Float] in
            guard let v = values[name] else { throw GraphError.undefinedValue(node: node.name, value: name) }
            return v.floatArray()
        }
        let shape = values[node.inputs[0]]!.shape
        let t = shape[1]
        let packed = inputs.count == 1
        let d = packed ? shape[2] / 3 : shape[2]
        let dh = d / heads, ld = packed ? 3 * d : d
        let scale = Double(node.float("scale") ?? 1 / Float(dh).squareRoot())
        let q = inputs[0], k = packed ? inputs[0] : inputs[1]
        let kOffset = packed ? d : 0
        var rows: [[Double]] = []
        for h in 0..<heads {
            var p = [Double](repeating: 0, count: t * t)
            for i in 0..<t {
                var m = -Double.infinity
                for j in 0..<t {
                    var s = 0.0
                    for e in 0..<dh { s += Double(q[i * ld + h * dh + e]) * Double(k[j * ld + kOffset + h * dh + e]) }
                    s *= scale
                    p[i * t + j] = s
                    m = max(m, s)
                }
                var sum = 0.0
                for j in 0..<t { p[i * t + j] = (p[i * t + j] - m).exp; sum += p[i * t + j] }
                for j in 0..<t { p[i * t + j] /= sum }
            }
            rows.append(p)
        }
        return (t, rows)
    }
}

private extension Double {
    var exp: Double { Foundation.exp(self) }
}

import Foundation
