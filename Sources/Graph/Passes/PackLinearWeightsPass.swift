/// Rewrites every `Linear` whose weight is a constant float initializer into `LinearPacked` (fp32,
/// see `FloatGEMM`) or `LinearPackedBF16` (bf16 operands, see `BF16GEMM`), packing the weight once.
/// The executor runs this on its private copy of the graph, so models that are saved or exported
/// keep their original weights.
public enum PackLinearWeightsPass {
    /// The rewritten graph, or `graph` unchanged when `path` is nil (OpenBLAS requested).
    public static func apply(_ graph: ModelGraph, path: FloatGEMM.Path?) -> ModelGraph {
        guard let path else { return graph }
        // FloatGEMM.pack allocates without a budget check, as it always has (the weights are already in memory).
        return (try? rewrite(graph, op: "LinearPacked", path: .int(path.rawValue)) { w, _ in FloatGEMM.pack(w.asF32()) }) ?? graph
    }

    /// The graph with its constant-weight Linears on the bf16 kernel `path`.
    /// - Throws: `TensorError` when a packed weight does not fit the memory budget.
    public static func apply(_ graph: ModelGraph, bf16 path: BF16GEMM.Path) throws -> ModelGraph {
        try rewrite(graph, op: PackedBF16LinearKernel.op, path: .string(path.rawValue)) { w, name in try BF16GEMM.pack(w, name: name, path: path) }
    }

    private static func rewrite(_ graph: ModelGraph, op: String, path: Attribute,
                                pack: (Tensor, String) throws -> Tensor) throws -> ModelGraph {
        var g = graph
        var packedNames: [String: String] = [:]
        var stillUsed = Set<String>()
        for i in g.nodes.indices {
            let node = g.nodes[i]
            guard node.op == "Linear", node.inputs.count >= 2, let w = g.initializers[node.inputs[1]], w.dtype == .f32 || w.dtype.isFloatingPoint,
                  w.rank == 2 else {
                stillUsed.formUnion(node.inputs)
                continue
            }
            let wName = node.inputs[1]
            let packedName: String
            if let known = packedNames[wName] {
                packedName = known
            } else {
                packedName = wName + "#packed"
                g.initializers[packedName] = try pack(w, wName)
                packedNames[wName] = packedName
            }
            var inputs = node.inputs
            inputs[1] = packedName
            stillUsed.formUnion(inputs)
            g.nodes[i] = Node(name: node.name, op: op, inputs: inputs, outputs: node.outputs,
                              attributes: ["out_features": .int(w.shape[0]), "path": path])
        }
        // Drop the unpacked weights nothing reads any more (the source file stays mapped, untouched).
        for name in packedNames.keys where !stillUsed.contains(name) { g.initializers[name] = nil }
        return g
    }
}
