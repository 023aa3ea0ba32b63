/// One pattern pass over a graph: producer / consumer maps and constant lookups.
struct PatternRewriter {
    var graph: ModelGraph
    let producer: [String: Int]
    let consumers: [String: [Int]]

    init(_ g: ModelGraph) {
        graph = g
        var p: [String: Int] = [:], c: [String: [Int]] = [:]
        for (i, n) in g.nodes.enumerated() {
            for o in n.outputs { p[o] = i }
            for x in Set(n.inputs) { c[x, default: []].append(i) }
        }
        producer = p
        consumers = c
    }

    func node(producing v: String) -> Node? { producer[v].map { graph.nodes[$0] } }

    /// The single node consuming `v` when `v` is not a graph output.
    func soleConsumer(of v: String) -> Node? {
        guard !graph.outputs.contains(v), let c = consumers[v], c.count == 1 else { return nil }
        return graph.nodes[c[0]]
    }

    /// A constant scalar (any rank, one element) as Float.
    func scalar(_ v: String) -> Float? {
        guard let t = graph.initializers[v], t.count == 1, t.dtype.isFloatingPoint else { return nil }
        return t.floatArray()[0]
    }

    /// The input of a binary node that is not `v`.
    static func other(_ n: Node, _ v: String) -> String? {
        guard n.inputs.count == 2 else { return nil }
        return n.inputs[0] == v ? n.inputs[1] : (n.inputs[1] == v ? n.inputs[0] : nil)
    }

    /// Nodes whose outputs nobody uses are dropped, and then unreferenced initializers.
    func removingDeadNodes() -> ModelGraph { graph.removingDeadNodes() }

    /// Replaces node `index` by `replacement` (which produces the same output name).
    mutating func replace(_ index: Int, with replacement: Node) {
        graph.nodes[index] = replacement
    }
}
