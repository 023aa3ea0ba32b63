#if canImport(Glibc)
import Glibc
#endif

/// `LayerNormalization(x, scale, bias?) {axis = -1, epsilon = 1e-5}` (opset 17): normalises over
/// every axis from `axis` on, with the biased variance in fp32. Only the first output (Y) is supported.
struct LayerNormalizationKernel: OpKernel {
    let kind = "LayerNormalization"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        let rank = inputs[0].shape.count
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? -1, rank: rank)
        let tail = inputs[0].shape[axis...]
        for p in inputs.dropFirst() {
            try KernelCheck.require(Array(tail).suffix(p.shape.count) == p.shape[...] && p.shape.count <= tail.count, node,
                                    "'\(p.name)' \(p.shape.shapeDescription) does not match the normalised shape \(Array(tail).shapeDescription)")
        }
        for i in axis..<rank { _ = try KernelCheck.fixed(node, inputs[0], axis: i) }
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32()
        let axis = TensorIndexing.axis(node.int("axis") ?? -1, rank: x.rank)!
        let tail = Array(x.shape[axis...]), width = tail.reduce(1, *)
        let gamma = try TensorIndexing.broadcast(inputs[1].asF32(), to: tail, node: node)
        let beta = inputs.count == 3 ? try TensorIndexing.broadcast(inputs[2].asF32(), to: tail, node: node)
                                     : try KernelAllocation.tensor(node, .f32, tail, role: "zero bias")
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        LayerNormKernel.normalize(x.floats, rows: x.count / max(1, width), width: width, gamma: gamma.floats, beta: beta.floats,
                                  epsilon: node.float("epsilon") ?? 1e-5, into: out.mutableFloats, context: context)
        return [out]
    }
}
