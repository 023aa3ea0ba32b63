/// `SwiGLU(x[…, 2H])` → `[…, H]`: with `a = x[…, :H]` (the gate) and `b = x[…, H:]`,
/// `silu(a)·b = a·σ(a)·b` (timm `SwiGLUPacked`, HF DINOv2's `weights_in` chunked in two). The
/// sigmoid is `1/(1 + VectorMath.exp(−a))`, within a few ulp of PyTorch's `F.silu`.
struct SwiGLUKernel: OpKernel {
    let kind = OpKind.swiglu

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        let width = try KernelCheck.fixed(node, inputs[0], axis: -1)
        try KernelCheck.require(width % 2 == 0, node, "SwiGLU needs an even width, has \(width)")
        var shape = inputs[0].shape
        shape[shape.count - 1] = .fixed(width / 2)
        return [ValueInfo(name: "", shape: shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        guard let width = x.shape.last, width % 2 == 0 else {
            throw GraphError.shapeMismatch(node: node.name, detail: "SwiGLU needs an even last dimension, has \(x.shape)")
        }
        let h = width / 2, rows = width == 0 ? 0 : x.count / width
        var shape = x.shape
        shape[shape.count - 1] = h
        let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        context.parallelFor(rows, minChunk: 16) { range in
            for r in range {
                let a = src + r * width, b = a + h, y = dst + r * h
                for j in 0..<h { y[j] = a[j] / (1 + VectorMath.exp(-a[j])) * b[j] }
            }
        }
        return [out]
    }
}
