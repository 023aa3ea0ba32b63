/// ONNX `Not(x: BOOL)`.
struct NotKernel: OpKernel {
    let kind = "Not"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.require(inputs[0].dtype == .bool, node, "Not needs a BOOL input, has \(inputs[0].dtype.rawValue)")
        return [ValueInfo(name: "", dtype: .bool, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        try KernelCheck.require(x.dtype == .bool, node, "Not needs a BOOL input, has \(x.dtype.rawValue)")
        let out = try KernelAllocation.tensor(node, .bool, x.shape)
        let s = x.rawPointer.assumingMemoryBound(to: UInt8.self), d = out.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<x.count { d[i] = s[i] == 0 ? 1 : 0 }
        return [out]
    }
}
