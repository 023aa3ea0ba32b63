/// `Range(start, limit, delta)` after `ShapeFolding` moved its three scalar operands into the
/// attributes `start`, `limit`, `delta` (int or float) and `dtype`: the `max(0, ⌈(limit − start) / delta⌉)`
/// values `start`, `start + delta`, … — integers exactly (64-bit, overflow an error), floats by
/// repeated fp32 addition of `delta` as ONNX Runtime does. The operands must be constants for the
/// declared input — except `Range(0, N, 1)` of the dynamic batch `N` (`torch.arange(batch)`), which
/// becomes a node whose one input is a graph input with that batch. A zero `delta` or a length over
/// `ShapeFolding.maxFoldedElements` is an error naming the node.
struct RangeKernel: OpKernel {
    let kind = "Range"

    /// `node` with its constant operands as attributes (the inputs dropped), or the batch form.
    static func parameterized(_ node: Node, consts: [String: Tensor], symbolic: [String: SymbolicValue], graph: ModelGraph) throws -> Node {
        if node.inputs.count == 3, let s = consts[node.inputs[0]], let d = consts[node.inputs[2]], !s.dtype.isFloatingPoint, !d.dtype.isFloatingPoint,
           s.count == 1, d.count == 1, s.intArray() == [0], d.intArray() == [1],
           let limit = symbolic[node.inputs[1]], limit.elements.count == 1, case .symbol(let name, 1) = limit.elements[0],
           let like = graph.inputs.first(where: { $0.shape.first.map(SymbolicInt.init) == .symbol(name, 1) }) {
            var out = node
            out.inputs = [like.name]
            out.attributes["start"] = .int(0)
            out.attributes["delta"] = .int(1)
            out.attributes["dtype"] = .string(s.dtype.rawValue)
            return out
        }
        let operands = try node.inputs.map { name -> Tensor in
            guard let t = consts[name] else {
                throw GraphError.unsupported("node '\(node.name)' (Range): operand '\(name)' depends on the input image and does not fold to a constant")
            }
            try KernelCheck.require(t.count == 1, node, "operand '\(name)' must be a scalar, has shape \(t.shape)")
            return t
        }
        try KernelCheck.require(operands.count == 3, node, "Range needs start, limit and delta")
        let float = operands[0].dtype.isFloatingPoint
        try KernelCheck.require(operands.allSatisfy { $0.dtype.isFloatingPoint == float }, node, "operands differ in type")
        var out = node
        out.inputs = []
        for (key, t) in zip(["start", "limit", "delta"], operands) {
            out.attributes[key] = float ? .float(t.floatArray()[0]) : .int(t.intArray()[0])
        }
        out.attributes["dtype"] = .string(float ? DType.f32.rawValue : operands[0].dtype.rawValue)
        return out
    }

    /// The element count, dtype and operands as attributes say.
    static func plan(_ node: Node) throws -> (count: Int, dtype: DType, float: (Float, Float)?, int: (Int, Int)?) {
        guard let dt = node.string("dtype").flatMap(DType.init(rawValue:)) else {
            throw GraphError.unsupported("node '\(node.name)' (Range): its operands do not fold to constants")
        }
        let limitCount = ShapeFolding.maxFoldedElements
        if dt.isFloatingPoint {
            guard let s = node.float("start"), let l = node.float("limit"), let d = node.float("delta") else {
                throw GraphError.missingAttribute(node: node.name, name: "start")
            }
            try KernelCheck.require(d != 0 && s.isFinite && l.isFinite && d.isFinite, node, "start \(s), limit \(l), delta \(d) give no range")
            let n = ((Double(l) - Double(s)) / Double(d)).rounded(.up)
            try KernelCheck.require(n <= Double(limitCount), node, "Range of \(n) elements exceeds \(limitCount)")
            return (max(0, Int(max(0, n))), dt, (s, d), nil)
        }
        guard let s = node.int("start"), let l = node.int("limit"), let d = node.int("delta") else {
            throw GraphError.missingAttribute(node: node.name, name: "start")
        }
        try KernelCheck.require(d != 0, node, "delta 0")
        let (span, o) = l.subtractingReportingOverflow(s)
        try KernelCheck.require(!o, node, "limit \(l) − start \(s) overflows")
        // ⌈span / d⌉ without overflow: Swift's division truncates toward zero.
        let q = span.dividedReportingOverflow(by: d).partialValue
        let n = (span % d != 0 && (span < 0) == (d < 0)) ? q + 1 : q
        try KernelCheck.require(n <= limitCount, node, "Range of \(n) elements exceeds \(limitCount)")
        return (max(0, n), dt, nil, (s, d))
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        if inputs.count == 1 {
            try KernelCheck.require(!inputs[0].shape.isEmpty, node, "the batch form of Range needs an input with a batch axis")
            guard let dt = node.string("dtype").flatMap(DType.init(rawValue:)), !dt.isFloatingPoint else {
                throw GraphError.missingAttribute(node: node.name, name: "dtype")
            }
            return [ValueInfo(name: "", dtype: dt, shape: [inputs[0].shape[0]])]
        }
        let p = try Self.plan(node)
        return [ValueInfo(name: "", dtype: p.dtype, shape: [.fixed(p.count)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        if inputs.count == 1 {
            let n = inputs[0].shape.first ?? 0
            let dt = node.string("dtype").flatMap(DType.init(rawValue:)) ?? .i64
            return [IntegerTensor.make(Array(0..<n), shape: [n], dtype: dt.isFloatingPoint ? .i64 : dt)]
        }
        let p = try Self.plan(node)
        if let (s, d) = p.float {
            let out = try KernelAllocation.tensor(node, .f32, [p.count], zeroed: false)
            let y = out.mutableFloats
            var v = s
            for i in 0..<p.count { y[i] = v; v += d }
            return [out]
        }
        let (s, d) = p.int!
        try KernelAllocation.reserve(node, p.count, elementBytes: MemoryLayout<Int>.size, role: "output")
        // |i·d| ≤ |limit − start| + |d|: no overflow for the counts `plan` accepts.
        return [IntegerTensor.make((0..<p.count).map { s &+ $0 &* d }, shape: [p.count], dtype: p.dtype)]
    }
}
