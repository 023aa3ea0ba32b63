#if canImport(Glibc)
import Glibc
#endif

/// `Where(condition, x, y)` with NumPy broadcasting, any dtype for x and y (which must agree).
struct WhereKernel: OpKernel {
    let kind = "Where"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        let s = try SymbolicShape.broadcast(try SymbolicShape.broadcast(inputs[0].shape, inputs[1].shape, node: node), inputs[2].shape, node: node)
        let dt = inputs[1].dtype.isFloatingPoint ? DType.f32 : inputs[1].dtype
        return [ValueInfo(name: "", dtype: dt, shape: s)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let shape = Broadcast.shape(Broadcast.shape(inputs[0].shape, inputs[1].shape), inputs[2].shape)
        let n = try KernelAllocation.product(node, shape, role: "output")
        try KernelAllocation.reserve(node, n, elementBytes: 3 * MemoryLayout<Int>.size, role: "operands")
        let c = try TensorIndexing.broadcast(inputs[0], to: shape, node: node).intArray()
        let float = inputs[1].dtype.isFloatingPoint
        let x = try TensorIndexing.broadcast(float ? inputs[1].asF32() : inputs[1], to: shape, node: node)
        let y = try TensorIndexing.broadcast(float ? inputs[2].asF32() : inputs[2], to: shape, node: node)
        if float {
            let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
            let px = x.floats, py = y.floats, d = out.mutableFloats
            for i in 0..<out.count { d[i] = c[i] != 0 ? px[i] : py[i] }
            return [out]
        }
        let xv = x.intArray(), yv = y.intArray()
        return [IntegerTensor.make((0..<c.count).map { c[$0] != 0 ? xv[$0] : yv[$0] }, shape: shape, dtype: inputs[1].dtype)]
    }
}
