/// `IsNaN(x)`: a BOOL tensor, true where the float element is NaN (exact).
struct IsNaNKernel: OpKernel {
    let kind = "IsNaN"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        return [ValueInfo(name: "", dtype: .bool, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32()
        let out = try KernelAllocation.tensor(node, .bool, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<x.count { dst[i] = src[i].isNaN ? 1 : 0 }
        return [out]
    }
}
