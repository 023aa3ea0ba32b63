/// `Expand(x, like?) {shape}`: broadcasts `x` to `shape` (ONNX rules: a 1 in `shape` keeps the
/// input's size). A `-1` entry stands for the size of axis 0 of the second input (the dynamic
/// batch, which the shape folder cannot know at load time). Any dtype; copies.
struct ExpandKernel: OpKernel {
    let kind = "Expand"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...2)
        let spec = try SymbolicShape.ints(node, "shape")
        let dims: [Dim] = try spec.map {
            if $0 == -1 {
                try KernelCheck.require(inputs.count == 2 && !inputs[1].shape.isEmpty, node, "shape entry -1 needs a second input")
                return inputs[1].shape[0]
            }
            try KernelCheck.require($0 >= 0, node, "shape entry \($0) is negative")
            return .fixed($0)
        }
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: try SymbolicShape.broadcast(inputs[0].shape, dims, node: node))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let spec = try SymbolicShape.ints(node, "shape").map { v -> Int in
            guard v != -1 else {
                guard inputs.count == 2, let batch = inputs[1].shape.first else {
                    throw GraphError.shapeMismatch(node: node.name, detail: "shape entry -1 needs a second input")
                }
                return batch
            }
            try KernelCheck.require(v >= 0, node, "shape entry \(v) is negative")
            return v
        }
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        return [try TensorIndexing.broadcast(x, to: Broadcast.shape(x.shape, spec), node: node)]
    }
}
