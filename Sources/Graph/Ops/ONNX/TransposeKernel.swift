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
