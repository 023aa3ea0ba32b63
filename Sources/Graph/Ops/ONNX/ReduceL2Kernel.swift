/// ONNX `ReduceL2(data, axes?) {keepdims = 1}` (axes an input from opset 18, an attribute after `ShapeFolding`):
/// `sqrt(Σ x²)` over `axes` (all axes when none are given), the squares summed in fp32 in index order along
/// each reduced row, then one square root. Float tensors only (Swin v2's cosine attention normalises q and k with it).
struct ReduceL2Kernel: OpKernel {
    let kind = "ReduceL2"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "ReduceL2 needs a float input, has \(inputs[0].dtype.rawValue)")
        try KernelCheck.require((node.int("noop_with_empty_axes") ?? 0) == 0, node, "noop_with_empty_axes is not supported")
        return [try Reduction.outputInfo(node, inputs[0])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        [try Reduction.sumRows(node, inputs[0], context: context, squared: true) { s, _ in s.squareRoot() }]
    }
}
