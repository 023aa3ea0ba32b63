/// ONNX `QuantizeLinear(x F32, y_scale F32 [] or [C], y_zero_point? U8|I8 shaped like the scale) {axis = 1}`:
/// `y = saturate(rint(x / scale) + zp)` into U8 [0, 255] or I8 [−128, 127] (the zero point's type; U8
/// without one), round half to even, `x / scale` a true division, as the specification says and
/// ONNX Runtime computes. One scale for the tensor or one per index of `axis` (`QuantizationAxis`).
/// NaN becomes 0, as vitopt's own quantizers make it. Other output types (float8, 4- and 16-bit) are refused.
struct QuantizeLinearKernel: OpKernel {
    let kind = "QuantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        try KernelCheck.require(inputs[0].dtype.isFloatingPoint && inputs[1].dtype.isFloatingPoint, node,
                                "input and scale must be float, are \(inputs[0].dtype.rawValue) and \(inputs[1].dtype.rawValue)")
        try KernelCheck.require(inputs[1].shape.count <= 1, node, "the scale must be a scalar or 1-D, is \(inputs[1].shape.shapeDescription)")
        let out = inputs.count == 3 ? inputs[2].dtype : .u8
        try KernelCheck.require(out == .u8 || out == .i8, node, "only U8 and I8 outputs are supported, the zero point is \(out.rawValue)")
        return [ValueInfo(name: "", dtype: out, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), scales = inputs[1].asF32().floatArray()
        try KernelCheck.require(!scales.isEmpty && scales.allSatisfy { $0.isFinite && $0 > 0 }, node, "scales must be finite and positive")
        let axis = try QuantizationAxis(node, shape: x.shape, scales: scales.count)
        let signed = inputs.count == 3 && inputs[2].dtype == .i8
        let zps = try zeroPoints(inputs.count == 3 ? inputs[2] : nil, count: scales.count, node: node, what: "output").map(Float.init)
        let (lo, hi): (Float, Float) = signed ? (-128, 127) : (0, 255)
        let y = try KernelAllocation.tensor(node, signed ? .i8 : .u8, x.shape, zeroed: false)
        let src = x.floats, dst = y.mutableRawPointer
        context.parallelFor(x.count, minChunk: 1 << 14) { r in
            for i in r {
                let c = axis.channel(i)
                let q = (src[i] / scales[c]).rounded(.toNearestOrEven) + zps[c]
                let v = q.isNaN ? 0 : Swift.min(hi, Swift.max(lo, q))
                if signed { dst.storeBytes(of: Int8(v), toByteOffset: i, as: Int8.self) }
                else { dst.storeBytes(of: UInt8(v), toByteOffset: i, as: UInt8.self) }
            }
        }
        withExtendedLifetime(x) {}
        return [y]
    }
}
