extension ModelGraph {
    /// Nodes ordered so every node comes after the producers of its inputs.
    ///
    /// - Throws: `GraphError.undefinedValue` naming the first node with an input nobody defines,
    ///   `GraphError.duplicateValue` when two producers share an output name, `GraphError.cycle`.
    public func topologicalOrder() throws -> [Node] {
        var producerIndex: [String: Int] = [:]
        var defined = Set(inputs.map(\.name)).union(initializers.keys)
        for (i, node) in nodes.enumerated() {
            for out in node.outputs {
                if producerIndex[out] != nil || defined.contains(out) { throw GraphError.duplicateValue(value: out) }
                producerIndex[out] = i
            }
        }
        for node in nodes {
            for inp in node.inputs where !inp.isEmpty && producerIndex[inp] == nil && !defined.contains(inp) {
                throw GraphError.undefinedValue(node: node.name, value: inp)
            }
        }
        // Kahn's algorithm, stable in the original node order.
        var indegree = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for inp in Set(node.inputs) {
                if let p = producerIndex[inp] {
                    indegree[i] += 1
                    consumers[p].append(i)
                }
            }
        }
        var ready = (0..<nodes.count).filter { indegree[$0] == 0 }
        var order: [Node] = []
        order.reserveCapacity(nodes.count)
        var cursor = 0
        while cursor < ready.count {
            let i = ready[cursor]
            cursor += 1
            order.append(nodes[i])
            for c in consumers[i] {
                indegree[c] -= 1
                if indegree[c] == 0 { ready.append(c) }
            }
        }
        if order.count != nodes.count {
            let stuck = (0..<nodes.count).filter { indegree[$0] > 0 }.map { nodes[$0].name }
            throw GraphError.cycle(nodes: stuck)
        }
        for out in outputs where producerIndex[out] == nil && !defined.contains(out) {
            throw GraphError.undefinedValue(node: "<graph output>", value: out)
        }
        defined.formUnion(producerIndex.keys)
        return order
    }

    /// Infers every value's dtype and shape, symbolically in the batch dimension.
    ///
    /// - Returns: the value infos of inputs, initializers and node outputs, by name.
    /// - Throws: the first `GraphError` found, naming the offending node.
    public func inferShapes(registry: OpRegistry = .standard) throws -> [String: ValueInfo] {
        var infos: [String: ValueInfo] = [:]
        for input in inputs { infos[input.name] = input }
        for (name, t) in initializers { infos[name] = ValueInfo(name: name, dtype: t.dtype, shape: t.shape.map { .fixed($0) }) }
        for node in try topologicalOrder() {
            guard let kernel = registry.kernel(for: node.op) else { throw GraphError.unknownOp(node: node.name, op: node.op) }
            let ins = try node.inputs.map { name -> ValueInfo in
                guard let info = infos[name] else { throw GraphError.undefinedValue(node: node.name, value: name) }
                return info
            }
            let outs = try kernel.inferShapes(node: node, inputs: ins)
            guard outs.count == node.outputs.count else {
                throw GraphError.shapeMismatch(node: node.name, detail: "op produced \(outs.count) outputs, node names \(node.outputs.count)")
            }
            for (name, var info) in zip(node.outputs, outs) {
                info.name = name
                infos[name] = info
            }
        }
        return infos
    }

    /// Checks the graph end to end: every op known, every input defined, no cycles, shapes consistent.
    public func validate(registry: OpRegistry = .standard) throws {
        let unknown = nodes.filter { registry.kernel(for: $0.op) == nil }
        if let first = unknown.first {
            if unknown.count == 1 { throw GraphError.unknownOp(node: first.name, op: first.op) }
            let list = unknown.map { "\($0.op) (\($0.name))" }.joined(separator: ", ")
            throw GraphError.unsupported("unsupported ops: \(list)")
        }
        _ = try inferShapes(registry: registry)
    }
}
