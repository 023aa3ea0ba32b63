/// ONNX `ReduceSum(data, axes?) {keepdims = 1, noop_with_empty_axes = 0}` (axes an input from opset 13,
/// an attribute after `ShapeFolding`): the sum over `axes` (all axes when none are given, the input
/// unchanged when none are given and `noop_with_empty_axes` is 1). Float tensors sum in fp32 in index
/// order along each reduced row (as `ReduceMean` does before its division); integer tensors
/// (I64, I32, U8, I8, exporters' index arithmetic) sum exactly in 64-bit with wraparound, keeping their dtype.
struct ReduceSumKernel: OpKernel {
    let kind = "ReduceSum"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        if Self.isNoop(node) { return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: inputs[0].shape)] }
        var info = try Reduction.outputInfo(node, inputs[0])
        info.dtype = inputs[0].dtype
        return [info]
    }

    /// Whether the node is the identity: no axes and `noop_with_empty_axes = 1`.
    static func isNoop(_ node: Node) -> Bool {
        (node.int("noop_with_empty_axes") ?? 0) == 1 && (SymbolicShape.optionalInts(node, "axes") ?? []).isEmpty
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        if Self.isNoop(node) { return [x] }
        guard !x.dtype.isFloatingPoint else { return [try Reduction.sumRows(node, x, context: context) { s, _ in s }] }
        let ax = try Reduction.axes(node, rank: x.rank)
        let keep = Reduction.keepdims(node)
        // The reduced axes last (any dtype), then one exact sum per row.
        let reducedShape = x.shape.enumerated().map { ax.contains($0) ? 1 : $1 }
        let shape = keep ? reducedShape : x.shape.enumerated().compactMap { ax.contains($0) ? nil : $1 }
        let width = ax.reduce(1) { $0 * x.shape[$1] }
        // An empty reduction is all zeros (and the output may be larger than the input: allocate it first).
        let zeros = try KernelAllocation.tensor(node, x.dtype, shape)
        guard width > 0 else { return [zeros] }
        let rest = (0..<x.rank).filter { !ax.contains($0) }
        let values = (ax == Array((x.rank - ax.count)..<x.rank) ? x : TensorIndexing.transpose(x, rest + ax)).intArray()
        let sums = (0..<(values.count / width)).map { r in values[(r * width)..<((r + 1) * width)].reduce(0, &+) }
        return [IntegerTensor.make(sums, shape: shape, dtype: x.dtype)]
    }
}
