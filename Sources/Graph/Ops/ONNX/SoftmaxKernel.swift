#if canImport(Glibc)
import Glibc
#endif

/// `Softmax(x) {axis, coerce2d}`: `exp(x − max) / Σ exp(x − max)` in fp32 over `axis` (opset 13+),
/// or with `coerce2d = 1` (opsets before 13) over the flattened block of every axis from `axis` on.
struct SoftmaxKernel: OpKernel {
    let kind = "Softmax"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        _ = try SymbolicShape.axis(node, node.int("axis") ?? -1, rank: inputs[0].shape.count)
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32()
        let axis = TensorIndexing.axis(node.int("axis") ?? -1, rank: x.rank)!
        let out = x.copy()
        let y = out.mutableFloats
        if node.int("coerce2d") == 1 || axis == x.rank - 1 {
            let width = x.shape[axis...].reduce(1, *)
            let rows = x.count / max(1, width)
            context.parallelFor(rows, minChunk: 64) { r in for row in r { Softmax.rows(y + row * width, rows: 1, width: width) } }
            return [out]
        }
        let perm = Array(0..<axis) + Array((axis + 1)..<x.rank) + [axis]
        let t = TensorIndexing.transpose(x, perm)
        let width = x.shape[axis]
        Softmax.rows(t.mutableFloats, rows: t.count / width, width: width)
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return [TensorIndexing.transpose(t, inverse)]
    }
}
