import Graph

/// ONNX `QuantizeLinear(x, y_scale F32 [], y_zero_point U8 []) -> U8` (the per-tensor u8 form vitopt's
/// QDQ export writes): `y = clamp(rint(x / scale) + zp, 0, 255)`, round half to even, a true
/// division, as ONNX specifies and ONNX Runtime computes; NaN gives 0 as vitopt's quantizer.
/// Per-axis scales and signed outputs are refused (`GraphError.unsupported`).
struct QuantizeLinearKernel: OpKernel {
    let kind = "QuantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try Int8Op.arity(node, inputs.count, 3...3)
        try Int8Op.require(inputs[0].dtype.isFloatingPoint, node, "input '\(inputs[0].name)' must be float, is \(inputs[0].dtype.rawValue)")
        guard inputs[1].shape.isEmpty || inputs[1].shape == [.fixed(1)], inputs[2].dtype == .u8,
              inputs[2].shape.isEmpty || inputs[2].shape == [.fixed(1)] else {
            throw GraphError.unsupported("node '\(node.name)': QuantizeLinear is supported with one scale and a U8 zero point only")
        }
        return [ValueInfo(name: "", dtype: .u8, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), scale = inputs[1].asF32().floatArray()[0], zp = Float(inputs[2].intArray()[0])
        try Int8Op.require(scale.isFinite && scale > 0, node, "scale \(scale) must be finite and positive")
        let y = Tensor(uninitialized: .u8, shape: x.shape)
        let src = x.floats, dst = y.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        context.parallelFor(x.count, minChunk: 1 << 14) { r in
            for i in r {
                let q = (src[i] / scale).rounded(.toNearestOrEven) + zp
                dst[i] = !(q >= 0) ? 0 : (q > 255 ? 255 : UInt8(q))
            }
        }
        return [y]
    }
}
