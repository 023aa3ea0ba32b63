/// `ReduceMin` / `ReduceMax(x) {axes (all when absent), keepdims = 1}` in fp32 (exact); `axes` is an
/// attribute (opsets before 18) or an input that `ShapeFolding` folds into one.
struct ReduceExtremumKernel: OpKernel {
    let kind: String
    static let all = [ReduceExtremumKernel(kind: "ReduceMin"), ReduceExtremumKernel(kind: "ReduceMax")]

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "\(kind) needs a float input, has \(inputs[0].dtype.rawValue)")
        return [try Reduction.outputInfo(node, inputs[0])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let (src, width, rows, out, held) = try Reduction.rows(node, inputs[0].asF32())
        let y = out.mutableFloats, isMax = kind == "ReduceMax"
        context.parallelFor(rows, minChunk: 64) { r in
            for row in r {
                let p = src + row * width
                var v = p[0]
                for j in 1..<max(1, width) { v = isMax ? (p[j] > v ? p[j] : v) : (p[j] < v ? p[j] : v) }
                y[row] = v
            }
        }
        withExtendedLifetime(held) {}
        return [out]
    }
}
