/// `Split(x) {axis, split}` into parts of the given sizes along `axis`. Any dtype; copies.
struct SplitKernel: OpKernel {
    let kind = "Split"

    /// The part sizes: `split`, or `num_outputs` (default: the node's output count) parts of
    /// ceil(dim / n) with a smaller last part, as opset 18 specifies.
    static func sizes(_ node: Node, dim: Int) throws -> [Int] {
        if let s = SymbolicShape.optionalInts(node, "split") { return s }
        let n = node.int("num_outputs") ?? node.outputs.count
        try KernelCheck.require(n >= 1, node, "Split into \(n) parts")
        let each = (dim + n - 1) / n
        return (0..<n).map { max(0, min(each, dim - $0 * each)) }
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let x = inputs[0]
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.shape.count)
        let dim = try KernelCheck.fixed(node, x, axis: axis)
        let sizes = try Self.sizes(node, dim: dim)
        try KernelCheck.require(sizes.reduce(0, +) == dim && sizes.allSatisfy { $0 >= 0 }, node, "split \(sizes) does not sum to \(dim)")
        return sizes.map { n in var s = x.shape; s[axis] = .fixed(n); return ValueInfo(name: "", dtype: x.dtype, shape: s) }
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: x.rank)!
        var start = 0
        return try Self.sizes(node, dim: x.shape[axis]).map { n in
            var sliced = node
            sliced.attributes = ["starts": .ints([start]), "ends": .ints([start + n]), "axes": .ints([axis])]
            start += n
            return try SliceKernel().run(node: sliced, inputs: [x], context: context)[0]
        }
    }
}
