#if canImport(Glibc)
import Glibc
#endif

/// `Gelu(x) {approximate = "none" | "tanh"}`: `0.5·x·(1 + erf(x/√2))` with `VectorMath.erf`
/// (absolute error ≤ 1.5e-7·|x|), or the tanh form with the C library's `tanhf` when asked.
struct GeluKernel: OpKernel {
    let kind = "Gelu"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        if let a = node.string("approximate"), a != "none" && a != "tanh" {
            throw GraphError.shapeMismatch(node: node.name, detail: "approximate must be \"none\" or \"tanh\", is \"\(a)\"")
        }
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        let tanhForm = node.string("approximate") == "tanh"
        context.parallelFor(x.count, minChunk: 1 << 14) { range in
            if tanhForm {
                VectorMath.geluTanh(src + range.lowerBound, dst + range.lowerBound, count: range.count)
            } else {
                VectorMath.gelu(src + range.lowerBound, dst + range.lowerBound, count: range.count)
            }
        }
        return [out]
    }
}
