/// The pattern passes that turn imported ONNX math into vitopt's own ops, so the fast kernels (and
/// later passes such as int8 quantization, which look for `Linear`) apply to imported models:
///
/// - `MatMul(x, W)` [+ `Add(·, b)`] with a constant 2-D `W` → `Linear(x, Wᵀ, b)` (the weight
///   transposed once, at load); `Gemm` with constant operands → `Linear`.
/// - `LayerNormalization` over the last axis, and the decomposed form
///   `ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt → Div → Mul γ → Add β` → `LayerNorm`.
/// - `x · 0.5 · (1 + erf(x / √2))` in any association → `Gelu`.
/// - multi-head attention (see `AttentionFusion`) → `Attention`.
/// - the patch-embedding convolution, prefix-token concatenation and class-token selection →
///   `PatchEmbed`, `PrefixTokens`, `TakeToken` (see `fuseEmbeddings`).
///
/// Rewrites change only how a value is computed, to fp32 rounding (≈1e-6 relative).
public enum GraphPatterns {
    public static func apply(_ graph: ModelGraph, registry: OpRegistry = .onnx) throws -> ModelGraph {
        var g = graph
        g = PatternRewriter(g).fuseLayerNormDecomposed()
        g = PatternRewriter(g).fuseLayerNormalization()
        g = PatternRewriter(g).fuseGelu()
        g = PatternRewriter(g).fuseLinear()
        g = try AttentionFusion.apply(g, registry: registry)
        g = PatternRewriter(g).fuseEmbeddings()
        return PatternRewriter(g).removingDeadNodes()
    }
}

extension ModelGraph {
    /// The graph without the nodes whose outputs nobody uses (graph outputs count as used), then
    /// without the initializers no remaining node reads. Nodes must be in topological order.
    public func removingDeadNodes() -> ModelGraph {
        var g = self
        var live = Set(g.outputs)
        var keep = [Bool](repeating: false, count: g.nodes.count)
        for i in stride(from: g.nodes.count - 1, through: 0, by: -1) where g.nodes[i].outputs.contains(where: live.contains) {
            keep[i] = true
            live.formUnion(g.nodes[i].inputs)
        }
        g.nodes = g.nodes.enumerated().filter { keep[$0.offset] }.map(\.element)
        g.initializers = g.initializers.filter { live.contains($0.key) }
        return g
    }
}
