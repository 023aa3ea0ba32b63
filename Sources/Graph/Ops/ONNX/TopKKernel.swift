/// `TopK(x) {k, axis = -1, largest = 1, sorted = 1}` (`k` folded from the second input by
/// `ShapeFolding`): the `k` largest (or smallest) elements along `axis` and their indices (I64).
/// Ties keep the lower index first, as the ONNX specification says; the output is always sorted
/// (which `sorted = 0` permits). NaN sorts as +∞. Floats compare in fp32,
/// integers in 64-bit (values keep their dtype).
struct TopKKernel: OpKernel {
    let kind = "TopK"

    func plan(_ node: Node, rank: Int) throws -> (k: Int, axis: Int, largest: Bool) {
        let ks = try SymbolicShape.ints(node, "k")
        try KernelCheck.require(ks.count == 1 && ks[0] >= 0, node, "k must be one non-negative integer, is \(ks)")
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? -1, rank: rank)
        return (ks[0], axis, (node.int("largest") ?? 1) != 0)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let x = inputs[0]
        let p = try plan(node, rank: x.shape.count)
        let dim = try KernelCheck.fixed(node, x, axis: p.axis)
        try KernelCheck.require(p.k <= dim, node, "k \(p.k) exceeds the axis size \(dim)")
        var shape = x.shape
        shape[p.axis] = .fixed(p.k)
        return [ValueInfo(name: "", dtype: x.dtype.isFloatingPoint ? .f32 : x.dtype, shape: shape),
                ValueInfo(name: "", dtype: .i64, shape: shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let float = inputs[0].dtype.isFloatingPoint
        let x = float ? inputs[0].asF32() : inputs[0]
        let p = try plan(node, rank: x.rank)
        let dim = x.shape[p.axis]
        try KernelCheck.require(p.k <= dim, node, "k \(p.k) exceeds the axis size \(dim)")
        try KernelAllocation.reserve(node, x.count, elementBytes: MemoryLayout<Double>.size, role: "keys")
        var shape = x.shape
        shape[p.axis] = p.k
        let inner = x.shape[(p.axis + 1)...].reduce(1, *), outer = x.shape[..<p.axis].reduce(1, *)
        // Keys as Double hold every fp32 and every integer an export sorts (exact up to 2⁵³).
        let keys: [Double] = float ? x.floatArray().map { $0.isNaN ? .infinity : Double($0) } : x.intArray().map { Double($0) }
        let values = try KernelAllocation.tensor(node, x.dtype, shape, zeroed: false)
        var picked = [Int](repeating: 0, count: outer * p.k * inner)
        let es = x.dtype.byteSize
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * dim * inner + i
                let order = (0..<dim).sorted { a, b in
                    let ka = keys[base + a * inner], kb = keys[base + b * inner]
                    if ka != kb { return p.largest ? ka > kb : ka < kb }
                    return a < b
                }
                for j in 0..<p.k {
                    let dst = (o * p.k + j) * inner + i
                    picked[dst] = order[j]
                    (values.mutableRawPointer + dst * es).copyMemory(from: x.rawPointer + (base + order[j] * inner) * es, byteCount: es)
                }
            }
        }
        return [values, IntegerTensor.make(picked, shape: shape)]
    }
}
