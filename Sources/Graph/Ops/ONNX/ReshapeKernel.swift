/// `Reshape(x) {shape}` with ONNX semantics (allowzero = 0): `0` copies the input's dimension at
/// that position, `-1` is inferred from the element count. Zero-copy. Also `Flatten {axis}`,
/// `Squeeze {axes}` (all size-1 axes when absent) and `Unsqueeze {axes}`, all zero-copy, any dtype.
struct ReshapeKernel: OpKernel {
    let kind: String

    static let all = ["Reshape", "Flatten", "Squeeze", "Unsqueeze"].map { ReshapeKernel(kind: $0) }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: try target(node, inputs[0].shape))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let shape = try target(node, inputs[0].shape.map { .fixed($0) }).map { d -> Int in
            guard let v = d.value else { throw GraphError.shapeMismatch(node: node.name, detail: "cannot resolve the output shape of \(inputs[0].shape)") }
            return v
        }
        try KernelCheck.require(Tensor.elementCount(shape) == inputs[0].count, node, "cannot reshape \(inputs[0].shape) to \(shape)")
        return [inputs[0].reshaped(shape)]
    }

    /// The output shape, symbolic in the batch where the input is.
    func target(_ node: Node, _ input: [Dim]) throws -> [Dim] {
        let rank = input.count
        switch kind {
        case "Flatten":
            let a = node.int("axis") ?? 1
            let axis = a < 0 ? a + rank : a
            try KernelCheck.require(axis >= 0 && axis <= rank, node, "axis \(a) out of range for rank \(rank)")
            return [Self.product(Array(input[..<axis])), Self.product(Array(input[axis...]))]
        case "Squeeze":
            if let axes = SymbolicShape.optionalInts(node, "axes") {
                let norm = Set(try axes.map { try SymbolicShape.axis(node, $0, rank: rank) })
                for a in norm { try KernelCheck.require(input[a] == .fixed(1), node, "cannot squeeze axis \(a) of \(input.shapeDescription)") }
                return input.enumerated().filter { !norm.contains($0.offset) }.map(\.element)
            }
            return input.filter { $0 != .fixed(1) }
        case "Unsqueeze":
            let axes = try SymbolicShape.ints(node, "axes")
            let outRank = rank + axes.count
            let norm = Set(try axes.map { try SymbolicShape.axis(node, $0, rank: outRank) })
            try KernelCheck.require(norm.count == axes.count, node, "repeated axis in \(axes)")
            var out: [Dim] = []
            var it = input.makeIterator()
            for i in 0..<outRank { out.append(norm.contains(i) ? .fixed(1) : it.next()!) }
            return out
        default:
            return try Self.reshape(node, input, try SymbolicShape.ints(node, "shape"))
        }
    }

    static func product(_ dims: [Dim]) -> Dim { DimAlgebra.product(dims) ?? .symbol("?") }

    /// ONNX Reshape shape resolution over symbolic dims (a symbol may carry a factor, `4·N`).
    static func reshape(_ node: Node, _ input: [Dim], _ spec: [Int]) throws -> [Dim] {
        var out: [Dim?] = []
        var inferAt: Int?
        for (i, s) in spec.enumerated() {
            if s == 0 {
                try KernelCheck.require(i < input.count, node, "shape \(spec) copies dimension \(i) of \(input.shapeDescription)")
                out.append(input[i])
            } else if s == -1 {
                try KernelCheck.require(inferAt == nil, node, "shape \(spec) has more than one -1")
                inferAt = i
                out.append(nil)
            } else {
                try KernelCheck.require(s > 0, node, "shape \(spec) has an invalid entry \(s)")
                out.append(.fixed(s))
            }
        }
        func fail() -> GraphError { .shapeMismatch(node: node.name, detail: "cannot reshape \(input.shapeDescription) to \(spec)") }
        guard let total = DimAlgebra.product(input), let known = DimAlgebra.product(out.compactMap { $0 }) else { throw fail() }
        let (tk, ts) = DimAlgebra.split(total), (kk, ks) = DimAlgebra.split(known)
        if let at = inferAt {
            guard kk > 0, tk % kk == 0, ks == nil || ks == ts else { throw fail() }
            out[at] = DimAlgebra.make(tk / kk, ks == nil ? ts : nil)
        } else {
            guard tk == kk, ts == ks else { throw fail() }
        }
        return out.map { $0! }
    }
}
