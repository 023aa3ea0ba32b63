/// Evaluates the shape-computing ops on `SymbolicValue`s (ONNX semantics, integer elements).
enum SymbolicEvaluator {
    static func evaluate(_ node: Node, _ ins: [SymbolicValue]) throws -> SymbolicValue {
        func fail(_ why: String = "") -> GraphError {
            .unsupported("node '\(node.name)' (\(node.op)): shape computation \(ins.map { $0.elements.description }.joined(separator: ", ")) does not fold\(why)")
        }
        let x = ins[0]
        switch node.op {
        case "Identity", "Cast":
            return x
        case "Unsqueeze", "Squeeze", "Reshape":
            let n = try ShapeFolding.parameterize(node, consts: paramConsts(node, ins), symbolic: [:], infos: [:], graph: emptyGraph)
            let shape = try ReshapeKernel(kind: node.op).target(n, x.shape.map { .fixed($0) }).map { $0.value! }
            return SymbolicValue(shape: shape, elements: x.elements)
        case "Concat":
            guard ins.allSatisfy({ $0.shape.count == 1 }) else { throw fail() }
            let e = ins.flatMap(\.elements)
            return SymbolicValue(shape: [e.count], elements: e)
        case "Gather":
            guard x.shape.count == 1, (node.int("axis") ?? 0) == 0, let idx = ins[1].known?.intArray() else { throw fail() }
            let picked = try idx.map { i -> SymbolicInt in
                let j = i < 0 ? i + x.elements.count : i
                guard j >= 0 && j < x.elements.count else { throw fail(": index \(i) out of range") }
                return x.elements[j]
            }
            return SymbolicValue(shape: ins[1].shape, elements: picked)
        case "Slice":
            guard x.shape.count == 1 else { throw fail() }
            let n = try ShapeFolding.parameterize(node, consts: paramConsts(node, ins), symbolic: [:], infos: [:], graph: emptyGraph)
            let (start, count, step) = try SliceKernel.ranges(n, x.shape)[0]
            let e = (0..<count).map { x.elements[start + $0 * step] }
            return SymbolicValue(shape: [e.count], elements: e)
        case "Add", "Sub", "Mul", "Div", "Equal":
            let (a, b) = (ins[0], ins[1])
            let shape = Broadcast.shape(a.shape, b.shape)
            let n = shape.reduce(1, *)
            guard a.elements.count == n || a.elements.count == 1, b.elements.count == n || b.elements.count == 1 else { throw fail() }
            let e = try (0..<n).map { i -> SymbolicInt in
                guard let r = SymbolicInt.apply(node.op, a.elements[a.elements.count == 1 ? 0 : i], b.elements[b.elements.count == 1 ? 0 : i]) else {
                    throw fail()
                }
                return r
            }
            return SymbolicValue(shape: shape, elements: e)
        case "Where":
            guard let c = ins[0].known?.intArray() else { throw fail() }
            let shape = Broadcast.shape(Broadcast.shape(ins[0].shape, ins[1].shape), ins[2].shape)
            let n = shape.reduce(1, *)
            func at(_ v: SymbolicValue, _ i: Int) throws -> SymbolicInt {
                if v.elements.count == 1 { return v.elements[0] }
                guard v.elements.count == n else { throw fail() }
                return v.elements[i]
            }
            let e = try (0..<n).map { i in c[c.count == 1 ? 0 : i] != 0 ? try at(ins[1], i) : try at(ins[2], i) }
            return SymbolicValue(shape: shape, elements: e)
        default:
            throw fail()
        }
    }

    private static let emptyGraph = ModelGraph(name: "", inputs: [], outputs: [], nodes: [], initializers: [:])

    /// The node's parameter inputs as constants (they must be known).
    private static func paramConsts(_ node: Node, _ ins: [SymbolicValue]) throws -> [String: Tensor] {
        var c: [String: Tensor] = [:]
        for (i, name) in node.inputs.enumerated() where i > 0 && !name.isEmpty {
            guard let t = ins[i].known else {
                throw GraphError.unsupported("node '\(node.name)' (\(node.op)): parameter '\(name)' depends on the batch size")
            }
            c[name] = t
        }
        return c
    }
}
