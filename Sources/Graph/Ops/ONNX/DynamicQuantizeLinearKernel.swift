/// `DynamicQuantizeLinear(x) -> (y U8, y_scale F32 [], y_zero_point U8 [])`, exactly as ONNX
/// specifies and ONNX Runtime computes: the range `[min(0, min x), max(0, max x)]`,
/// `scale = (max − min) / 255` (1 when the range is empty), `zp = clamp(round(−min / scale), 0, 255)`,
/// `y = clamp(round(x / scale) + zp, 0, 255)`, rounding half to even, `x / scale` a true division.
struct DynamicQuantizeLinearKernel: OpKernel {
    let kind = "DynamicQuantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "input '\(inputs[0].name)' must be float, is \(inputs[0].dtype.rawValue)")
        return [ValueInfo(name: "", dtype: .u8, shape: inputs[0].shape), ValueInfo(name: "", dtype: .f32, shape: []),
                ValueInfo(name: "", dtype: .u8, shape: [])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), n = x.count, src = x.floats
        var lo: Float = 0, hi: Float = 0
        for i in 0..<n { lo = min(lo, src[i]); hi = max(hi, src[i]) }
        let scale: Float = hi == lo ? 1 : (hi - lo) / 255
        let zp = max(0, min(255, (-lo / scale).rounded(.toNearestOrEven)))
        let y = try KernelAllocation.tensor(node, .u8, x.shape, zeroed: false)
        let dst = y.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        context.parallelFor(n, minChunk: 1 << 14) { r in
            for i in r { dst[i] = UInt8(max(0, min(255, (src[i] / scale).rounded(.toNearestOrEven) + zp))) }
        }
        return [y, Tensor(shape: [], floats: [scale]), IntegerTensor.make([Int(zp)], shape: [], dtype: .u8)]
    }
}
