/// Elementwise binary ops with NumPy broadcasting: `Add`, `Mul`.
///
/// Each output element is one fp32 operation on the two broadcast operands, so results are
/// bit-identical to PyTorch's elementwise ops.
struct BinaryKernel: OpKernel {
    enum Operation: Sendable { case add, mul, custom(@Sendable (Float, Float) -> Float) }
    let kind: String
    let operation: Operation

    static let add = BinaryKernel(kind: "Add", operation: .add)
    static let mul = BinaryKernel(kind: "Mul", operation: .mul)

    init(kind: String, operation: Operation) {
        self.kind = kind
        self.operation = operation
    }

    init(kind: String, apply: @escaping @Sendable (Float, Float) -> Float) {
        self.init(kind: kind, operation: .custom(apply))
    }

    /// `y[i] = a[i] ∘ b[i]` for `n` elements: a direct loop per operation, which the compiler vectorises.
    @inline(__always)
    private static func apply(_ op: Operation, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                              _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch op {
        case .add: for i in 0..<n { y[i] = a[i] + b[i] }
        case .mul: for i in 0..<n { y[i] = a[i] * b[i] }
        case .custom(let f): for i in 0..<n { y[i] = f(a[i], b[i]) }
        }
    }

    private static func scalar(_ op: Operation, _ a: Float, _ b: Float) -> Float {
        switch op {
        case .add: return a + b
        case .mul: return a * b
        case .custom(let f): return f(a, b)
        }
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        try KernelCheck.floats(node, inputs)
        let a = inputs[0].shape, b = inputs[1].shape
        let rank = max(a.count, b.count)
        let pa = [Dim](repeating: .fixed(1), count: rank - a.count) + a
        let pb = [Dim](repeating: .fixed(1), count: rank - b.count) + b
        var out: [Dim] = []
        for (x, y) in zip(pa, pb) {
            if x == y { out.append(x) } else if x == .fixed(1) { out.append(y) } else if y == .fixed(1) { out.append(x) } else {
                throw GraphError.shapeMismatch(node: node.name, detail: "cannot broadcast \(a.shapeDescription) with \(b.shapeDescription)")
            }
        }
        return [ValueInfo(name: "", dtype: inputs[0].dtype, shape: out)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let a = inputs[0], b = inputs[1]
        let shape = Broadcast.shape(a.shape, b.shape)
        let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
        let y = out.mutableFloats, pa = a.floats, pb = b.floats
        let n = out.count
        let op = operation
        if a.count == n && b.count == n {
            context.parallelFor(n, minChunk: 1 << 15) { r in
                Self.apply(op, pa + r.lowerBound, pb + r.lowerBound, y + r.lowerBound, r.count)
            }
        } else if a.count == n && Broadcast.isTrailing(b.shape, of: shape) {
            let m = b.count
            context.parallelFor(n / m, minChunk: max(1, (1 << 15) / m)) { r in
                for row in r { Self.apply(op, pa + row * m, pb, y + row * m, m) }
            }
        } else if b.count == n && Broadcast.isTrailing(a.shape, of: shape) {
            let m = a.count
            context.parallelFor(n / m, minChunk: max(1, (1 << 15) / m)) { r in
                for row in r { Self.apply(op, pa, pb + row * m, y + row * m, m) }
            }
        } else {
            let f: (Float, Float) -> Float = { Self.scalar(op, $0, $1) }
            let sa = Broadcast.strides(a.shape, into: shape), sb = Broadcast.strides(b.shape, into: shape)
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<n {
                var oa = 0, ob = 0
                for d in 0..<shape.count { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
                y[i] = f(pa[oa], pb[ob])
                var d = shape.count - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return [out]
    }
}
