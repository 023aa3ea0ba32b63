/// `Tile(x) {repeats}`: `x` repeated `repeats[d]` times along each axis (ONNX semantics; `repeats` is
/// folded from the second input by `ShapeFolding`). A `-1` entry stands for the batch size (axis 0)
/// of a second input, as in `Expand`: `probe.repeat(batch, 1, 1)` in an export. Any dtype; copies.
struct TileKernel: OpKernel {
    let kind = "Tile"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...2)
        let x = inputs[0]
        let repeats = try SymbolicShape.ints(node, "repeats")
        try KernelCheck.require(repeats.count == x.shape.count, node, "repeats \(repeats) do not match rank \(x.shape.count)")
        let shape: [Dim] = try zip(x.shape, repeats).map { d, r in
            let factor: Dim
            if r == -1 {
                try KernelCheck.require(inputs.count == 2 && !inputs[1].shape.isEmpty, node, "repeats entry -1 needs a second input")
                factor = inputs[1].shape[0]
            } else {
                try KernelCheck.require(r >= 0, node, "repeats entry \(r) is negative")
                factor = .fixed(r)
            }
            guard let p = DimAlgebra.product([d, factor]) else {
                throw GraphError.shapeMismatch(node: node.name, detail: "cannot tile \(x.shape.shapeDescription) by \(repeats)")
            }
            return p
        }
        return [ValueInfo(name: "", dtype: x.dtype.isFloatingPoint ? .f32 : x.dtype, shape: shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        var t = inputs[0].dtype.isFloatingPoint ? inputs[0].asF32() : inputs[0]
        let repeats = try SymbolicShape.ints(node, "repeats").map { r -> Int in
            guard r == -1 else { return r }
            guard inputs.count == 2, let batch = inputs[1].shape.first else {
                throw GraphError.shapeMismatch(node: node.name, detail: "repeats entry -1 needs a second input")
            }
            return batch
        }
        try KernelCheck.require(repeats.count == t.rank && repeats.allSatisfy { $0 >= 0 }, node, "repeats \(repeats) do not fit \(t.shape)")
        let target = try zip(t.shape, repeats).map { try KernelAllocation.product(node, [$0, $1], role: "output") }
        _ = try KernelAllocation.product(node, target + [t.dtype.byteSize], role: "output")
        // One axis at a time, last to first: each block below the axis is copied `r` times.
        for d in stride(from: t.rank - 1, through: 0, by: -1) where repeats[d] != 1 {
            var shape = t.shape
            shape[d] *= repeats[d]
            let out = try KernelAllocation.tensor(node, t.dtype, shape, zeroed: false)
            let outer = t.shape[..<d].reduce(1, *), block = t.shape[d...].reduce(1, *) * t.dtype.byteSize
            var dst = out.mutableRawPointer
            for o in 0..<outer {
                for _ in 0..<repeats[d] { dst.copyMemory(from: t.rawPointer + o * block, byteCount: block); dst += block }
            }
            t = out
        }
        return [t]
    }
}
