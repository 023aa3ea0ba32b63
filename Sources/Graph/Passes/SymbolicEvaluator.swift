/// Evaluates the shape-computing ops on `SymbolicValue`s (ONNX semantics, integer elements).
///
/// Inputs come from a file: the operand count is checked against the op, every element index is
/// bounds-checked and broadcast sizes are overflow-checked, so a hostile shape computation is a
/// `GraphError` naming the node, never a trap.
enum SymbolicEvaluator {
    /// Most elements a symbolic shape vector may have: shape computations handle a handful.
    static let maxElements = 1 << 16

    static func evaluate(_ node: Node, _ ins: [SymbolicValue]) throws -> SymbolicValue {
        func fail(_ why: String = "") -> GraphError {
            .unsupported("node '\(node.name)' (\(node.op)): shape computation \(ins.map { $0.elements.description }.joined(separator: ", ")) does not fold\(why)")
        }
        let needed = ["Add": 2, "Sub": 2, "Mul": 2, "Div": 2, "Equal": 2, "Gather": 2, "Where": 3][node.op] ?? 1
        guard ins.count >= needed, ins.allSatisfy({ $0.elements.count == (elementCount($0.shape) ?? -1) }) else {
            throw fail(": \(ins.count) operands, \(node.op) needs \(needed)")
        }
        let x = ins[0]
        switch node.op {
        case "Identity", "Cast":
            return x
        case "Unsqueeze", "Squeeze", "Reshape":
            let n = try ShapeFolding.parameterize(node, consts: paramConsts(node, ins), symbolic: [:], infos: [:], graph: emptyGraph)
            let shape = try ReshapeKernel(kind: node.op).target(n, x.shape.map { .fixed($0) }).map { d -> Int in
                guard let v = d.value else { throw fail() }
                return v
            }
            guard elementCount(shape) == x.elements.count else { throw fail() }
            return SymbolicValue(shape: shape, elements: x.elements)
        case "Concat":
            guard ins.allSatisfy({ $0.shape.count == 1 }) else { throw fail() }
            let e = ins.flatMap(\.elements)
            guard e.count <= maxElements else { throw fail(": too many elements") }
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
            guard let (start, count, step) = try SliceKernel.ranges(n, x.shape).first else { throw fail() }
            let e = try (0..<count).map { k -> SymbolicInt in
                let (off, o1) = k.multipliedReportingOverflow(by: step)
                let (j, o2) = start.addingReportingOverflow(off)
                guard !o1, !o2, j >= 0, j < x.elements.count else { throw fail(": slice index out of range") }
                return x.elements[j]
            }
            return SymbolicValue(shape: [e.count], elements: e)
        case "Add", "Sub", "Mul", "Div", "Equal":
            let (a, b) = (ins[0], ins[1])
            let shape = Broadcast.shape(a.shape, b.shape)
            guard let n = elementCount(shape), n <= maxElements else { throw fail(": broadcast too large") }
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
            guard let n = elementCount(shape), n <= maxElements, c.count == 1 || c.count == n else { throw fail() }
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

    /// The product of `shape`, or `nil` when a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = m
        }
        return n
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
