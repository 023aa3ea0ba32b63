import Graph

/// ONNX `DequantizeLinear(x U8|I8, x_scale F32 [] or [C], x_zero_point? same) {axis = 1} -> F32`:
/// `y = (x − zp) · scale`, one scale for the tensor or one per index of `axis` (exact: an 8-bit
/// difference times the scale rounds once).
struct DequantizeLinearKernel: OpKernel {
    let kind = "DequantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try Int8Op.arity(node, inputs.count, 2...3)
        let x = inputs[0]
        try Int8Op.require(x.dtype == .u8 || x.dtype == .i8, node, "input '\(x.name)' must be U8 or I8, is \(x.dtype.rawValue)")
        if inputs.count == 3 {
            try Int8Op.require(inputs[2].dtype == x.dtype && inputs[2].shape == inputs[1].shape, node,
                               "zero point '\(inputs[2].name)' must be \(x.dtype.rawValue) shaped like the scale")
        }
        return [ValueInfo(name: "", dtype: .f32, shape: x.shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], scales = inputs[1].asF32().floatArray()
        let zps = inputs.count == 3 ? inputs[2].intArray() : [Int](repeating: 0, count: scales.count)
        var channels = 1, inner = 1
        if scales.count != 1 {
            let a = node.int("axis") ?? 1, axis = a < 0 ? a + x.rank : a
            try Int8Op.require(axis >= 0 && axis < x.rank && x.shape[axis] == scales.count, node,
                               "\(scales.count) scales do not match axis \(a) of shape \(x.shape)")
            channels = scales.count
            inner = x.shape[(axis + 1)...].reduce(1, *)
        }
        let y = Tensor(uninitialized: .f32, shape: x.shape)
        let dst = y.mutableFloats, src = x.rawPointer, signed = x.dtype == .i8
        for i in 0..<x.count {
            let c = channels == 1 ? 0 : (i / inner) % channels
            let v = signed ? Int(src.load(fromByteOffset: i, as: Int8.self)) : Int(src.load(fromByteOffset: i, as: UInt8.self))
            dst[i] = Float(v - zps[c]) * scales[c]
        }
        return [y]
    }
}
