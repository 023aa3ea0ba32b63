#if canImport(Glibc)
import Glibc
#endif

/// `Tanh(x)`, elementwise with the C library's `tanhf` (used by the Hugging Face pooler).
struct TanhKernel: OpKernel {
    let kind = "Tanh"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        for i in 0..<x.count { dst[i] = tanhf(src[i]) }
        return [out]
    }
}
