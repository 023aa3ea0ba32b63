/// `Clip(x, min?, max?)` (opset 11+: bounds as scalar inputs, an empty name for none; before 11 the
/// `min`/`max` attributes): `min(max(x, lo), hi)` in fp32, exact.
struct ClipKernel: OpKernel {
    let kind = "Clip"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...3)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "Clip needs a float input, has \(inputs[0].dtype.rawValue)")
        for b in inputs.dropFirst() where !b.name.isEmpty {
            try KernelCheck.require(b.shape.allSatisfy { $0.value == 1 }, node, "bound '\(b.name)' must be a scalar, has shape \(b.shape.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32()
        func bound(_ i: Int, _ attr: String, _ fallback: Float) -> Float {
            if inputs.count > i, node.inputs[i] != "", inputs[i].count == 1 { return inputs[i].floatArray()[0] }
            return node.float(attr) ?? fallback
        }
        let lo = bound(1, "min", -.infinity), hi = bound(2, "max", .infinity)
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        context.parallelFor(x.count, minChunk: 1 << 14) { r in for i in r { dst[i] = min(max(src[i], lo), hi) } }
        return [out]
    }
}
