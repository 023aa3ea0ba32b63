/// `Slice(x) {starts, ends, axes?, steps?}` with ONNX clamping (negative indices count from the
/// end, out-of-range bounds clamp, negative steps walk backwards). Any dtype; copies.
struct SliceKernel: OpKernel {
    let kind = "Slice"

    /// (start, count, step) per axis for concrete `shape`.
    static func ranges(_ node: Node, _ shape: [Int]) throws -> [(Int, Int, Int)] {
        let starts = try SymbolicShape.ints(node, "starts"), ends = try SymbolicShape.ints(node, "ends")
        let axes = SymbolicShape.optionalInts(node, "axes") ?? Array(0..<starts.count)
        let steps = SymbolicShape.optionalInts(node, "steps") ?? [Int](repeating: 1, count: starts.count)
        try KernelCheck.require(ends.count == starts.count && axes.count == starts.count && steps.count == starts.count, node,
                                "starts, ends, axes and steps differ in length")
        var r = shape.map { (0, $0, 1) }
        for i in 0..<starts.count {
            let a = try SymbolicShape.axis(node, axes[i], rank: shape.count)
            // A step longer than the axis selects at most one element, as a step of the axis length does;
            // clamping keeps `stride × step` and the count arithmetic below from overflowing.
            let dim = shape[a], step = min(max(steps[i], -max(dim, 1)), max(dim, 1))
            try KernelCheck.require(step != 0, node, "step 0")
            func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v < 0 ? v + dim : v, lo), hi) }
            let (s, e) = step > 0 ? (clamp(starts[i], 0, dim), clamp(ends[i], 0, dim)) : (clamp(starts[i], 0, dim - 1), clamp(ends[i], -1, dim - 1))
            let count = step > 0 ? max(0, (e - s + step - 1) / step) : max(0, (s - e - step - 1) / -step)
            r[a] = (s, count, step)
        }
        return r
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let x = inputs[0]
        let startCount = try SymbolicShape.ints(node, "starts").count
        let axes = SymbolicShape.optionalInts(node, "axes") ?? Array(0..<startCount)
        let touched = Set(try axes.map { try SymbolicShape.axis(node, $0, rank: x.shape.count) })
        // Untouched axes may stay symbolic; sliced ones must be fixed.
        let concrete = try x.shape.enumerated().map { i, d -> Int in
            if touched.contains(i) { return try KernelCheck.fixed(node, x, axis: i) }
            return d.value ?? 1
        }
        let r = try Self.ranges(node, concrete)
        return [ValueInfo(name: "", dtype: x.dtype, shape: x.shape.enumerated().map { touched.contains($0.offset) ? .fixed(r[$0.offset].1) : $0.element })]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let r = try Self.ranges(node, x.shape)
        let s = TensorIndexing.strides(x.shape)
        var offset = 0
        for (d, (start, _, _)) in r.enumerated() { offset += start * s[d] }
        let outShape = r.map(\.1)
        let out = try KernelAllocation.tensor(node, x.dtype, outShape, zeroed: false)
        TensorIndexing.gather(x.rawPointer + offset * x.dtype.byteSize, srcStrides: zip(s, r).map { $0 * $1.2 }, outShape: outShape,
                              byteSize: x.dtype.byteSize, into: out.mutableRawPointer)
        return [out]
    }
}
