import Graph

/// What `vitopt inspect` reports about a graph that is not recognised as a ViT (issue #14): its
/// inputs and outputs with dtypes and shapes (symbolic in the batch), the number of nodes of each
/// op kind after import, and the parameter count — instead of a ViT summary it does not have.
public struct GraphSummary: Codable, Sendable, Equatable {
    public struct Value: Codable, Sendable, Equatable {
        public var name: String
        public var dtype: String
        /// Dimensions as text (`N` for the batch); `?` when shape inference did not reach the value.
        public var shape: String
    }

    public var inputs: [Value]
    public var outputs: [Value]
    public var nodes: Int
    /// Node count per op kind, of the graph as vitopt runs it (after folding and the pattern passes).
    public var ops: [String: Int]

    /// - Parameter registry: the kernels whose shape inference gives the output shapes.
    public init(_ graph: ModelGraph, registry: OpRegistry) {
        let infos = (try? graph.inferShapes(registry: registry)) ?? [:]
        func value(_ name: String) -> Value {
            if let i = graph.inputs.first(where: { $0.name == name }) ?? infos[name] {
                return Value(name: name, dtype: i.dtype.rawValue, shape: i.shape.shapeDescription)
            }
            if let t = graph.initializers[name] { return Value(name: name, dtype: t.dtype.rawValue, shape: "\(t.shape)") }
            return Value(name: name, dtype: "?", shape: "?")
        }
        inputs = graph.inputs.map { value($0.name) }
        outputs = graph.outputs.map(value)
        nodes = graph.nodes.count
        var counts: [String: Int] = [:]
        for n in graph.nodes { counts[n.op, default: 0] += 1 }
        ops = counts
    }

    /// The summary's lines for `inspect`'s text output (ops by count, most frequent first).
    var lines: [String] {
        let ops = self.ops.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return inputs.map { "  input         \($0.name) \($0.dtype) \($0.shape)" }
            + outputs.map { "  output        \($0.name) \($0.dtype) \($0.shape)" }
            + ["  graph         \(nodes) nodes: \(ops.joined(separator: ", "))"]
    }
}
