/// `QuickGelu(x)`: `x·σ(1.702·x)` elementwise (OpenAI CLIP's activation), with
/// `σ(z) = 1/(1 + exp(−z))` on `VectorMath.exp` (≤ 2.5 ulp), so within a few ulp of PyTorch's
/// `x * torch.sigmoid(1.702 * x)`.
struct QuickGeluKernel: OpKernel {
    let kind = OpKind.quickGelu

    /// The slope of the sigmoid gate.
    static let slope: Float = 1.702

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        context.parallelFor(x.count, minChunk: 1 << 14) { range in
            for i in range { dst[i] = src[i] / (1 + VectorMath.exp(-Self.slope * src[i])) }
        }
        return [out]
    }
}
