/// What the ONNX reductions (`ReduceMean`, `ReduceMin`, `ReduceMax`) share: the `axes` attribute
/// (all axes when absent, negatives counted from the end), the output shape with or without
/// `keepdims`, and the input arranged so the reduced axes are last and contiguous.
enum Reduction {
    static func axes(_ node: Node, rank: Int) throws -> [Int] {
        let a = SymbolicShape.optionalInts(node, "axes") ?? Array(0..<rank)
        return try Set(a.map { try SymbolicShape.axis(node, $0, rank: rank) }).sorted()
    }

    static func keepdims(_ node: Node) -> Bool { (node.int("keepdims") ?? 1) == 1 }

    /// The output value info of reducing `input` over the node's axes.
    static func outputInfo(_ node: Node, _ input: ValueInfo) throws -> ValueInfo {
        let ax = try axes(node, rank: input.shape.count), keep = keepdims(node)
        return ValueInfo(name: "", shape: input.shape.enumerated().compactMap { i, d in ax.contains(i) ? (keep ? .fixed(1) : nil) : d })
    }

    /// `x` as `rows` rows of `width` reduced elements (transposed when the axes are not already last),
    /// a zeroed output of the reduced shape, and the tensor `src` points into (keep it alive while reading).
    static func rows(_ node: Node, _ x: Tensor) throws -> (src: UnsafePointer<Float>, width: Int, rows: Int, out: Tensor, held: Tensor) {
        let ax = try axes(node, rank: x.rank)
        let rest = (0..<x.rank).filter { !ax.contains($0) }
        let t = ax == Array((x.rank - ax.count)..<x.rank) ? x : TensorIndexing.transpose(x, rest + ax)
        let width = ax.reduce(1) { $0 * x.shape[$1] }, rows = x.count / max(1, width)
        let keep = keepdims(node)
        let out = try KernelAllocation.tensor(node, .f32, x.shape.enumerated().compactMap { i, d in ax.contains(i) ? (keep ? 1 : nil) : d })
        return (t.floats, width, rows, out, t)
    }

    /// `finish(Σ v, width)` per reduced row of `x` over the node's axes, `v` the element (or its square when
    /// `squared`), summed in fp32 in index order: `ReduceSum`, `ReduceMean` and `ReduceL2` on floats.
    static func sumRows(_ node: Node, _ x: Tensor, context: ExecutionContext, squared: Bool = false,
                        finish: @escaping @Sendable (Float, Int) -> Float) throws -> Tensor {
        let (src, width, rows, out, held) = try Reduction.rows(node, x.asF32())
        let y = out.mutableFloats
        context.parallelFor(rows, minChunk: 64) { r in
            for row in r {
                var s: Float = 0
                for j in 0..<width { let v = src[row * width + j]; s += squared ? v * v : v }
                y[row] = finish(s, width)
            }
        }
        withExtendedLifetime(held) {}
        return out
    }
}
