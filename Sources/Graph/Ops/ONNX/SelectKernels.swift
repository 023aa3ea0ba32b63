/// `Concat(a, b, …) {axis}`, any dtype (float inputs as F32).
struct ConcatKernel: OpKernel {
    let kind = "Concat"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...4096)
        let rank = inputs[0].shape.count
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: rank)
        var total = 0
        for i in inputs {
            try KernelCheck.require(i.shape.count == rank, node, "inputs differ in rank")
            for d in 0..<rank where d != axis {
                try KernelCheck.require(i.shape[d] == inputs[0].shape[d], node, "inputs differ off the concat axis: \(inputs.map { $0.shape.shapeDescription })")
            }
            total += try KernelCheck.fixed(node, i, axis: axis)
        }
        var s = inputs[0].shape
        s[axis] = .fixed(total)
        return [ValueInfo(name: "", dtype: inputs[0].dtype.isFloatingPoint ? .f32 : inputs[0].dtype, shape: s)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let parts = inputs.map { $0.dtype.isFloatingPoint ? $0.asF32() : $0 }
        let rank = parts[0].rank
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: rank)!
        var shape = parts[0].shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let out = try KernelAllocation.tensor(node, parts[0].dtype, shape, zeroed: false)
        let outer = shape[..<axis].reduce(1, *)
        let es = parts[0].dtype.byteSize
        let rowBytes = shape[axis...].reduce(1, *) * es
        var col = 0
        for p in parts {
            let chunk = p.shape[axis...].reduce(1, *) * es
            for o in 0..<outer { (out.mutableRawPointer + o * rowBytes + col).copyMemory(from: p.rawPointer + o * chunk, byteCount: chunk) }
            col += chunk
        }
        return [out]
    }
}

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

/// `Split(x) {axis, split}` into parts of the given sizes along `axis`. Any dtype; copies.
struct SplitKernel: OpKernel {
    let kind = "Split"

    /// The part sizes: `split`, or `num_outputs` (default: the node's output count) parts of
    /// ceil(dim / n) with a smaller last part, as opset 18 specifies.
    static func sizes(_ node: Node, dim: Int) throws -> [Int] {
        if let s = SymbolicShape.optionalInts(node, "split") { return s }
        let n = node.int("num_outputs") ?? node.outputs.count
        try KernelCheck.require(n >= 1, node, "Split into \(n) parts")
        let each = (dim + n - 1) / n
        return (0..<n).map { max(0, min(each, dim - $0 * each)) }
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let x = inputs[0]
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.shape.count)
        let dim = try KernelCheck.fixed(node, x, axis: axis)
        let sizes = try Self.sizes(node, dim: dim)
        try KernelCheck.require(sizes.reduce(0, +) == dim && sizes.allSatisfy { $0 >= 0 }, node, "split \(sizes) does not sum to \(dim)")
        return sizes.map { n in var s = x.shape; s[axis] = .fixed(n); return ValueInfo(name: "", dtype: x.dtype, shape: s) }
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: x.rank)!
        var start = 0
        return try Self.sizes(node, dim: x.shape[axis]).map { n in
            var sliced = node
            sliced.attributes = ["starts": .ints([start]), "ends": .ints([start + n]), "axes": .ints([axis])]
            start += n
            return try SliceKernel().run(node: sliced, inputs: [x], context: context)[0]
        }
    }
}

/// `Gather(data, indices) {axis}`: `out = data[:, …, indices, …]` (negative indices wrap). Any dtype.
struct GatherKernel: OpKernel {
    let kind = "Gather"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        let x = inputs[0]
        let axis = try SymbolicShape.axis(node, node.int("axis") ?? 0, rank: x.shape.count)
        try KernelCheck.require(!inputs[1].dtype.isFloatingPoint, node, "indices must be integers")
        _ = try KernelCheck.fixed(node, x, axis: axis)
        return [ValueInfo(name: "", dtype: x.dtype, shape: Array(x.shape[..<axis]) + inputs[1].shape + Array(x.shape[(axis + 1)...]))]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let axis = TensorIndexing.axis(node.int("axis") ?? 0, rank: x.rank)!
        let dim = x.shape[axis]
        let idx = try inputs[1].intArray().map { i -> Int in
            let v = i < 0 ? i + dim : i
            guard v >= 0 && v < dim else { throw GraphError.shapeMismatch(node: node.name, detail: "index \(i) out of range for axis of size \(dim)") }
            return v
        }
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *) * x.dtype.byteSize
        let out = try KernelAllocation.tensor(node, x.dtype, Array(x.shape[..<axis]) + inputs[1].shape + Array(x.shape[(axis + 1)...]),
                                              zeroed: false)
        var dst = out.mutableRawPointer
        for o in 0..<outer {
            for i in idx {
                dst.copyMemory(from: x.rawPointer + (o * dim + i) * inner, byteCount: inner)
                dst += inner
            }
        }
        return [out]
    }
}
