/// Folds the elementwise op after a GEMM into its epilogue, so the output is finished while the
/// tile is still in cache instead of in a second pass over memory:
///
/// - `Gelu(LinearPacked(x))` with the erf form → `LinearPacked {epilogue: "gelu"}` (and the same for `LinearPackedBF16`);
/// - `Add(G(x), r)` or `Add(r, G(x))` for any `ResidualEpilogueKernel` op G (`LinearPacked`, the int8
///   Linears) where `r` has exactly G's output shape → `G(…, r) {epilogue: "residual"}` (the residual
///   is the last input).
///
/// G's output must feed only that op and not be a graph output. Results are bit-identical
/// to the unfused graph: the epilogue applies the same fp32 operation (`VectorMath.gelu`'s formula,
/// one add) to the same GEMM result. The executor runs this on its private copy of the graph.
public enum LinearEpilogueFusion {
    public static func apply(_ graph: ModelGraph, registry: OpRegistry) -> ModelGraph {
        guard let shapes = try? graph.inferShapes(registry: registry) else { return graph }
        var rewriter = PatternRewriter(graph)
        var removed = Set<Int>()
        for (i, node) in graph.nodes.enumerated() where node.string("epilogue") == nil && registry.kernel(for: node.op) is any ResidualEpilogueKernel {
            guard let out = node.outputs.first, let next = rewriter.soleConsumer(of: out),
                  let j = rewriter.producerIndex(ofFirstOutputOf: next),
                  // An Add of two GEMMs (DeiT's head + head_dist) is folded into one of them only.
                  !removed.contains(j) else { continue }
            var fused = node
            if node.op == "LinearPacked" || node.op == PackedBF16LinearKernel.op, next.op == "Gelu", (next.string("approximate") ?? "none") == "none" {
                fused.attributes["epilogue"] = .string("gelu")
            } else if next.op == "Add", let r = PatternRewriter.other(next, out), r != out,
                      let rs = shapes[r]?.shape, let os = shapes[out]?.shape, rs == os,
                      graph.initializers[r] == nil {
                fused.inputs.append(r)
                fused.attributes["epilogue"] = .string("residual")
            } else {
                continue
            }
            fused = Node(name: fused.name, op: fused.op, inputs: fused.inputs, outputs: next.outputs, attributes: fused.attributes)
            rewriter.replace(i, with: fused)
            removed.insert(j)
        }
        var g = rewriter.graph
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }
}

extension PatternRewriter {
    /// The index of `node` in the graph (found by its first output).
    func producerIndex(ofFirstOutputOf node: Node) -> Int? { node.outputs.first.flatMap { producer[$0] } }
}
