/// Rewrites every `Linear` whose weight is a constant F32 initializer into `LinearPacked`, packing the
/// weight once (see `FloatGEMM`). The executor runs this on its private copy of the graph, so models
/// that are saved or exported keep their original weights.
public enum PackLinearWeightsPass {
    /// The rewritten graph, or `graph` unchanged when `path` is nil (OpenBLAS requested).
    public static func apply(_ graph: ModelGraph, path: FloatGEMM.Path?) -> ModelGraph {
        guard let path else { return graph }
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
            let packedName = packedNames[wName] ?? {
                let name = wName + "#packed"
                g.initializers[name] = FloatGEMM.pack(w.asF32())
                packedNames[wName] = name
                return name
            }()
            var inputs = node.inputs
            inputs[1] = packedName
            stillUsed.formUnion(inputs)
            g.nodes[i] = Node(name: node.name, op: "LinearPacked", inputs: inputs, outputs: node.outputs,
                              attributes: ["out_features": .int(w.shape[0]), "path": .int(path.rawValue)])
        }
        // Drop the unpacked weights nothing reads any more (the source file stays mapped, untouched).
        for name in packedNames.keys where !stillUsed.contains(name) { g.initializers[name] = nil }
        return g
    }
}
