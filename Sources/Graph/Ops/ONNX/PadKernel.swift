/// ONNX `Pad` in `constant` mode (the mode torch.onnx writes for `F.pad`): `Pad(data, pads[, constant_value][, axes])`
/// with `pads` (and `axes`) folded to attributes and the fill value to `pad_value` (default 0). `pads` lists the
/// begin amounts of each padded axis, then the end amounts; amounts must be non-negative (a negative one, a crop,
/// and the `reflect`/`edge`/`wrap` modes are refused naming the node). Copies values exactly.
struct PadKernel: OpKernel {
    let kind = "Pad"

    /// The output shape and the begin offset of every axis of `shape`.
    static func plan(_ node: Node, _ shape: [Int]) throws -> (shape: [Int], begin: [Int]) {
        let mode = node.string("mode") ?? "constant"
        try KernelCheck.require(mode == "constant", node, "Pad mode '\(mode)' is not supported (only constant)")
        try KernelCheck.require(!shape.isEmpty, node, "cannot pad a scalar")
        let pads = try SymbolicShape.ints(node, "pads")
        let axes = try (SymbolicShape.optionalInts(node, "axes") ?? Array(0..<shape.count)).map { try SymbolicShape.axis(node, $0, rank: shape.count) }
        try KernelCheck.require(pads.count == 2 * axes.count && Set(axes).count == axes.count, node,
                                "pads has \(pads.count) values for \(axes.count) axes")
        var out = shape, begin = [Int](repeating: 0, count: shape.count)
        for (i, a) in axes.enumerated() {
            let b = pads[i], e = pads[i + axes.count]
            try KernelCheck.require(b >= 0 && e >= 0 && b <= 1 << 24 && e <= 1 << 24, node, "pads \(pads) must be in 0...\(1 << 24) (negative pads crop: not supported)")
            out[a] = shape[a] + b + e
            begin[a] = b
        }
        _ = try KernelCheck.product(node, out, "padded shape")
        return (out, begin)
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let x = inputs[0]
        let pads = try SymbolicShape.ints(node, "pads")
        let axes = try (SymbolicShape.optionalInts(node, "axes") ?? Array(0..<x.shape.count)).map { try SymbolicShape.axis(node, $0, rank: x.shape.count) }
        try KernelCheck.require(pads.count == 2 * axes.count, node, "pads has \(pads.count) values for \(axes.count) axes")
        // Unpadded axes may stay symbolic (the batch); padded ones must be fixed.
        let padded = Set(axes.enumerated().filter { pads[$0.offset] != 0 || pads[$0.offset + axes.count] != 0 }.map(\.element))
        let concrete = try x.shape.enumerated().map { i, d -> Int in padded.contains(i) ? try KernelCheck.fixed(node, x, axis: i) : (d.value ?? 1) }
        let (shape, _) = try Self.plan(node, concrete)
        return [ValueInfo(name: "", dtype: x.dtype.isFloatingPoint ? .f32 : x.dtype,
                          shape: x.shape.enumerated().map { padded.contains($0.offset) ? .fixed(shape[$0.offset]) : $0.element })]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let (shape, begin) = try Self.plan(node, x.shape)
        let out = try KernelAllocation.tensor(node, x.dtype, shape)
        if x.dtype == .f32, case .floats(let values)? = node.attributes["pad_value"], let v = values.first, v != 0 {
            let p = out.mutableFloats
            for i in 0..<out.count { p[i] = v }
        }
        guard x.count > 0 else { return [out] }
        let es = x.dtype.byteSize
        let src = TensorIndexing.strides(x.shape), dst = TensorIndexing.strides(shape)
        let rank = x.shape.count
        // copy innermost rows (the last axis) one at a time
        let row = (x.shape.last ?? 1) * es
        let rows = x.count / max(1, x.shape.last ?? 1)
        var index = [Int](repeating: 0, count: max(0, rank - 1))
        for _ in 0..<rows {
            var so = 0, doff = 0
            for d in 0..<(rank - 1) { so += index[d] * src[d]; doff += (index[d] + begin[d]) * dst[d] }
            if rank > 0 { doff += begin[rank - 1] }
            (out.mutableRawPointer + doff * es).copyMemory(from: x.rawPointer + so * es, byteCount: row)
            var d = rank - 2
            while d >= 0 { index[d] += 1; if index[d] < x.shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return [out]
    }
}
