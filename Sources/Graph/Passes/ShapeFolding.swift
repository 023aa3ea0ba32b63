/// Folds an imported graph for its declared input shape: constant subgraphs are evaluated once,
/// shape-computing subgraphs (`Shape` → `Gather` → `Concat` → `Reshape` …) are evaluated
/// symbolically in the dynamic batch, and every operator parameter that arrived as a tensor input
/// (Reshape's shape, Slice's starts, Squeeze's axes, …) becomes an attribute. What remains is the
/// dense math on the image, ready for the pattern passes and the executor.
///
/// A batch-dependent parameter is kept symbolic: in `Reshape` it becomes `0` (copy the input's
/// dimension) or `-1` (infer), in `Expand` a `-1` read from the batch of a second input.
public enum ShapeFolding {
    /// Parameter inputs per op: input index → attribute name.
    static let parameters: [String: [(Int, String)]] = [
        "Reshape": [(1, "shape")], "Expand": [(1, "shape")], "Squeeze": [(1, "axes")], "Unsqueeze": [(1, "axes")],
        "ReduceMean": [(1, "axes")], "ReduceMin": [(1, "axes")], "ReduceMax": [(1, "axes")], "ReduceSum": [(1, "axes")], "ReduceL2": [(1, "axes")], "Split": [(1, "split")],
        "Slice": [(1, "starts"), (2, "ends"), (3, "axes"), (4, "steps")],
        "Tile": [(1, "repeats")], "TopK": [(1, "k")], "Resize": [(1, "roi"), (2, "scales"), (3, "sizes")],
        "Pad": [(1, "pads"), (2, "pad_value"), (3, "axes")],
    ]
    /// Parameters that are float lists (the others are integers).
    static let floatParameters: Set<String> = ["roi", "scales", "pad_value"]
    /// Ops evaluated on symbolic shape vectors.
    static let symbolicOps: Set<String> = ["Identity", "Cast", "Unsqueeze", "Squeeze", "Reshape", "Concat", "Gather", "Slice",
                                           "Add", "Sub", "Mul", "Div", "Equal", "Where"]

    /// Ops left in the graph even when every input is constant: `DequantizeLinear` of an int8 weight stays
    /// a node so that the int8 pattern pass finds the stored integers and scales (and a QDQ file does
    /// not grow into fp32 weights at import).
    static let unfolded: Set<String> = ["DequantizeLinear"]

    /// Most elements a constant-folded value may have (1 GiB of fp32): constant subgraphs in real
    /// exports compute shapes and small tables, so a larger result means a hostile or broken file.
    public static let maxFoldedElements = 1 << 28

    /// Every node is checked against `OpArity` before its inputs are looked at, and a constant
    /// subgraph is shape-inferred by its kernel (arity, attributes, axes) before the kernel runs.
    /// - Throws: `GraphError` naming the node whose shape does not fold, whose op is unknown, whose
    ///   inputs or outputs do not fit the op, or whose folded value would exceed `maxFoldedElements`.
    public static func fold(_ graph: ModelGraph, registry: OpRegistry = .onnx) throws -> ModelGraph {
        var consts = graph.initializers
        var symbolic: [String: SymbolicValue] = [:]
        var infos: [String: ValueInfo] = [:]
        for i in graph.inputs { infos[i.name] = i }
        var emitted: [Node] = []
        let context = ExecutionContext(threads: 1)
        func info(_ name: String, for node: Node) throws -> ValueInfo {
            if let i = infos[name] { return i }
            if let t = consts[name] { return ValueInfo(name: name, dtype: t.dtype, shape: t.shape.map { .fixed($0) }) }
            throw GraphError.undefinedValue(node: node.name, value: name)
        }
        // Nodes of `If` branches (see `IfBranch`) wait for their `If`: only the branch its condition
        // chooses is folded.
        var branches: [String: [Bool: [Node]]] = [:]
        func process(_ original: Node) throws {
            var node = original
            try OpArity.check(node)
            let live = node.inputs.filter { !$0.isEmpty }
            if node.op == "Shape" {
                let dims = try symbolic[node.inputs[0]].map { $0.shape.map { Dim.fixed($0) } } ?? info(node.inputs[0], for: node).shape
                let n = dims.count
                let start = max(0, min(n, (node.int("start") ?? 0) < 0 ? (node.int("start") ?? 0) + n : (node.int("start") ?? 0)))
                let e0 = node.int("end") ?? n
                let end = max(start, min(n, e0 < 0 ? e0 + n : e0))
                let v = SymbolicValue(shape: [end - start], elements: dims[start..<end].map(SymbolicInt.init))
                if let t = v.known { consts[node.outputs[0]] = t } else { symbolic[node.outputs[0]] = v }
                return
            }
            if node.op == "Size" {
                let v = try symbolic[node.inputs[0]].map { SymbolicValue(shape: [], elements: [.known($0.elements.count)]) }
                    ?? size(node, shape: info(node.inputs[0], for: node).shape)
                if let t = v.known { consts[node.outputs[0]] = t } else { symbolic[node.outputs[0]] = v }
                return
            }
            if node.op == "If" {
                let (then, count) = try IfBranch.condition(node, consts: consts, symbolic: symbolic)
                for n in branches[node.name]?[then] ?? [] { try process(IfBranch.untagged(n)) }
                for (k, out) in node.outputs.enumerated() {
                    let source = node.inputs[1 + (then ? 0 : count) + k]
                    if let t = consts[source] { consts[out] = t
                    } else if let v = symbolic[source] { symbolic[out] = v
                    } else {
                        var i = try info(source, for: node)
                        i.name = out
                        infos[out] = i
                        emitted.append(Node(name: node.name + "/" + out, op: "Identity", inputs: [source], outputs: [out]))
                    }
                }
                return
            }
            if node.op == "ConstantOfShape" {
                try foldConstantOfShape(node, consts: &consts, symbolic: symbolic, graph: graph, emitted: &emitted, infos: &infos)
                return
            }
            guard let kernel = registry.kernel(for: node.op) else { throw GraphError.unknownOp(node: node.name, op: node.op) }
            if live.allSatisfy({ consts[$0] != nil }), !unfolded.contains(node.op) {
                node = try parameterize(node, consts: consts, symbolic: symbolic, infos: infos, graph: graph)
                let args = try node.inputs.map { name -> Tensor in
                    guard let t = consts[name] else { throw GraphError.undefinedValue(node: node.name, value: name) }
                    return t
                }
                // The kernel checks arity, attributes and shapes before it may index anything.
                let shapes = try kernel.inferShapes(node: node, inputs: try node.inputs.map { try info($0, for: node) })
                for o in shapes { try checkFoldedSize(o.shape, node: node) }
                let outs = try kernel.run(node: node, inputs: args, context: context)
                for (name, t) in zip(node.outputs, outs) where !name.isEmpty { consts[name] = t }
                return
            }
            if live.contains(where: { symbolic[$0] != nil }), live.allSatisfy({ symbolic[$0] != nil || consts[$0] != nil }),
               symbolicOps.contains(node.op) {
                let ins = try node.inputs.map { name -> SymbolicValue in
                    if let v = symbolic[name] { return v }
                    guard let t = consts[name], let v = SymbolicValue(exactly: t) else {
                        throw GraphError.unsupported("node '\(node.name)' (\(node.op)): input '\(name)' is not an integer shape value")
                    }
                    return v
                }
                let v = try SymbolicEvaluator.evaluate(node, ins)
                if let t = v.known { consts[node.outputs[0]] = t } else { symbolic[node.outputs[0]] = v }
                return
            }
            node = try parameterize(node, consts: consts, symbolic: symbolic, infos: infos, graph: graph)
            let ins = try node.inputs.map { try info($0, for: node) }
            let outs = try kernel.inferShapes(node: node, inputs: ins)
            for (name, var o) in zip(node.outputs, outs) where !name.isEmpty {
                o.name = name
                infos[name] = o
            }
            emitted.append(node)
        }
        for node in try graph.topologicalOrder() {
            if let b = IfBranch(node) { branches[b.ifNode, default: [:]][b.then, default: []].append(node) } else { try process(node) }
        }
        let used = Set(emitted.flatMap(\.inputs)).union(graph.outputs)
        for out in graph.outputs where infos[out] == nil && consts[out] == nil {
            throw GraphError.undefinedValue(node: "<graph output>", value: out)
        }
        let inits = consts.filter { used.contains($0.key) }
        return ModelGraph(name: graph.name, inputs: graph.inputs, outputs: graph.outputs, nodes: emitted, initializers: inits,
                          metadata: graph.metadata)
    }

    /// Moves parameter inputs into attributes (and drops the parameter inputs).
    static func parameterize(_ node: Node, consts: [String: Tensor], symbolic: [String: SymbolicValue], infos: [String: ValueInfo],
                             graph: ModelGraph) throws -> Node {
        if node.op == "Range" { return try RangeKernel.parameterized(node, consts: consts, symbolic: symbolic, graph: graph) }
        guard let params = parameters[node.op] else { return node }
        var out = node
        var drop = Set<Int>()
        for (index, attr) in params where index < node.inputs.count {
            let name = node.inputs[index]
            drop.insert(index)
            if name.isEmpty { continue }  // an omitted optional parameter
            if let t = consts[name], floatParameters.contains(attr) {
                guard t.dtype.isFloatingPoint else {
                    throw GraphError.shapeMismatch(node: node.name, detail: "\(attr) '\(name)' must be a float tensor")
                }
                out.attributes[attr] = .floats(t.floatArray())
                continue
            }
            if let t = consts[name] {
                guard let v = t.exactIntegers() else {
                    throw GraphError.shapeMismatch(node: node.name, detail: "\(attr) '\(name)' holds values that are not integers")
                }
                out.attributes[attr] = .ints(v)
                continue
            }
            guard let v = symbolic[name] else {
                throw GraphError.unsupported("node '\(node.name)' (\(node.op)): its \(attr) '\(name)' depends on the input image and does not fold to a constant")
            }
            let data = infos[node.inputs[0]]?.shape ?? []
            switch node.op {
            case "Reshape":
                let unknown = v.elements.filter { $0.value == nil }.count
                out.attributes[attr] = .ints(try v.elements.enumerated().map { i, e in
                    if let k = e.value { return k }
                    if i < data.count, SymbolicInt(data[i]) == e { return 0 }
                    if unknown == 1 && !v.elements.contains(.known(-1)) { return -1 }
                    throw GraphError.unsupported("node '\(node.name)' (Reshape): target shape \(v.elements) does not fold")
                })
            case "Expand", "Tile":
                guard let like = graph.inputs.first(where: { $0.shape.first.map(SymbolicInt.init) == .symbol(symbolName(v), 1) }) else {
                    throw GraphError.unsupported("node '\(node.name)' (\(node.op)): \(attr) \(v.elements) does not fold")
                }
                out.attributes[attr] = .ints(try v.elements.map { e in
                    if let k = e.value { return k }
                    guard case .symbol(_, 1) = e else { throw GraphError.unsupported("node '\(node.name)' (\(node.op)): \(attr) \(v.elements) does not fold") }
                    return -1
                })
                out.inputs.append(like.name)
            default:
                throw GraphError.unsupported("node '\(node.name)' (\(node.op)): \(attr) \(v.elements) depends on the batch size")
            }
        }
        let kept = node.inputs.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        out.inputs = kept + out.inputs.dropFirst(node.inputs.count)
        return out
    }

    /// Throws unless `shape` is fixed, non-negative, and at most `maxFoldedElements` elements
    /// (products checked for overflow).
    static func checkFoldedSize(_ shape: [Dim], node: Node) throws {
        var n = 1
        for d in shape {
            guard let v = d.value else { return }
            guard v >= 0 else { throw GraphError.shapeMismatch(node: node.name, detail: "negative dimension in \(shape.shapeDescription)") }
            let (m, overflow) = n.multipliedReportingOverflow(by: v)
            guard !overflow, m <= maxFoldedElements else {
                throw GraphError.shapeMismatch(node: node.name, detail: "folding a constant of shape \(shape.shapeDescription) exceeds \(maxFoldedElements) elements")
            }
            n = m
        }
    }

    /// `Size(x)`: the element count of a value, symbolic in the batch when `x`'s shape is.
    static func size(_ node: Node, shape: [Dim]) throws -> SymbolicValue {
        guard let p = DimAlgebra.product(shape) else {
            throw GraphError.unsupported("node '\(node.name)' (Size): the element count of \(shape.shapeDescription) does not fold")
        }
        return SymbolicValue(shape: [], elements: [SymbolicInt(p)])
    }

    static func symbolName(_ v: SymbolicValue) -> String {
        for e in v.elements { if case .symbol(let s, _) = e { return s } }
        return ""
    }

    /// `ConstantOfShape(shape) {value, dtype}`: a constant when the shape is known, else an
    /// `Expand` of the scalar to the batch-dependent shape.
    static func foldConstantOfShape(_ node: Node, consts: inout [String: Tensor], symbolic: [String: SymbolicValue], graph: ModelGraph,
                                    emitted: inout [Node], infos: inout [String: ValueInfo]) throws {
        let dtype = DType(rawValue: node.string("dtype") ?? "F32") ?? .f32
        let value = node.float("value") ?? 0
        let scalar: Tensor
        if dtype.isFloatingPoint {
            scalar = Tensor(shape: [], floats: [value])
        } else {
            // Integer fills go through Int: refuse what Int cannot hold rather than trap converting.
            guard value.isFinite, abs(value) < 0x1p62 else {
                throw GraphError.shapeMismatch(node: node.name, detail: "ConstantOfShape value \(value) does not fit \(dtype.rawValue)")
            }
            scalar = IntegerTensor.make([Int(value)], shape: [], dtype: dtype)
        }
        let name = node.inputs.first ?? ""
        if name.isEmpty { consts[node.outputs[0]] = scalar.reshaped([]); return }
        if let shape = consts[name] {
            guard let dims = shape.exactIntegers() else {
                throw GraphError.shapeMismatch(node: node.name, detail: "shape '\(name)' holds values that are not integers")
            }
            try checkFoldedSize(dims.map { Dim.fixed($0) }, node: node)
            consts[node.outputs[0]] = try TensorIndexing.broadcast(scalar, to: dims, node: node)
            return
        }
        guard let v = symbolic[name] else {
            throw GraphError.unsupported("node '\(node.name)' (ConstantOfShape): its shape depends on the input image and does not fold")
        }
        let scalarName = node.name + ".value"
        consts[scalarName] = scalar
        let expand = Node(name: node.name, op: "Expand", inputs: [scalarName, "__shape__"], outputs: node.outputs)
        let fixed = try parameterize(expand, consts: consts, symbolic: ["__shape__": v], infos: infos, graph: graph)
        let outs = try ExpandKernel().inferShapes(node: fixed, inputs: fixed.inputs.map { infos[$0] ?? ValueInfo(name: $0, dtype: scalar.dtype, shape: []) })
        infos[node.outputs[0]] = ValueInfo(name: node.outputs[0], dtype: outs[0].dtype, shape: outs[0].shape)
        emitted.append(fixed)
    }
}
