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

/// `Transpose(x) {perm}` (reversed axes when absent), any dtype; copies with contiguous inner runs.
struct TransposeKernel: OpKernel {
    let kind = "Transpose"

    func perm(_ node: Node, rank: Int) throws -> [Int] {
        let p = SymbolicShape.optionalInts(node, "perm") ?? Array((0..<rank).reversed())
        try KernelCheck.require(p.sorted() == Array(0..<rank), node, "perm \(p) is not a permutation of \(rank) axes")
        return p
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let p = try perm(node, rank: inputs[0].shape.count)
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: p.map { inputs[0].shape[$0] })]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        [TensorIndexing.transpose(inputs[0], try perm(node, rank: inputs[0].rank))]
    }
}

/// `Expand(x, like?) {shape}`: broadcasts `x` to `shape` (ONNX rules: a 1 in `shape` keeps the
/// input's size). A `-1` entry stands for the size of axis 0 of the second input (the dynamic
/// batch, which the shape folder cannot know at load time). Any dtype; copies.
struct ExpandKernel: OpKernel {
    let kind = "Expand"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...2)
        let spec = try SymbolicShape.ints(node, "shape")
        let dims: [Dim] = try spec.map {
            if $0 == -1 {
                try KernelCheck.require(inputs.count == 2 && !inputs[1].shape.isEmpty, node, "shape entry -1 needs a second input")
                return inputs[1].shape[0]
            }
            try KernelCheck.require($0 >= 0, node, "shape entry \($0) is negative")
            return .fixed($0)
        }
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: try SymbolicShape.broadcast(inputs[0].shape, dims, node: node))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let spec = try SymbolicShape.ints(node, "shape").map { v -> Int in
            guard v != -1 else {
                guard inputs.count == 2, let batch = inputs[1].shape.first else {
                    throw GraphError.shapeMismatch(node: node.name, detail: "shape entry -1 needs a second input")
                }
                return batch
            }
            try KernelCheck.require(v >= 0, node, "shape entry \(v) is negative")
            return v
        }
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        return [try TensorIndexing.broadcast(x, to: Broadcast.shape(x.shape, spec), node: node)]
    }
}
