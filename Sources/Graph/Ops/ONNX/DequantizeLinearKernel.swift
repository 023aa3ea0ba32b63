/// ONNX `DequantizeLinear(x U8|I8|I32, x_scale F32 [] or [C], x_zero_point? same type as x) {axis = 1} -> F32`:
/// `y = (x − zp) · scale`, one scale for the tensor or one per index of `axis` (`QuantizationAxis`).
/// For 8-bit inputs the difference is exact and the product rounds once; I32 (a bias) takes no
/// zero point other than 0, as the specification says.
struct DequantizeLinearKernel: OpKernel {
    let kind = "DequantizeLinear"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...3)
        let x = inputs[0]
        try KernelCheck.require(x.dtype == .u8 || x.dtype == .i8 || x.dtype == .i32, node,
                                "input '\(x.name)' must be U8, I8 or I32, is \(x.dtype.rawValue)")
        try KernelCheck.require(inputs[1].dtype.isFloatingPoint && inputs[1].shape.count <= 1, node,
                                "the scale must be a float scalar or 1-D, is \(inputs[1].dtype.rawValue) \(inputs[1].shape.shapeDescription)")
        if inputs.count == 3 {
            try KernelCheck.require(inputs[2].dtype == x.dtype, node, "zero point '\(inputs[2].name)' must be \(x.dtype.rawValue) like the input")
        }
        return [ValueInfo(name: "", dtype: .f32, shape: x.shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0], scales = inputs[1].asF32().floatArray()
        try KernelCheck.require(!scales.isEmpty, node, "no scale")
        let axis = try QuantizationAxis(node, shape: x.shape, scales: scales.count)
        let zps: [Int32]
        if x.dtype == .i32 {
            let z = inputs.count == 3 ? inputs[2].intArray() : []
            try KernelCheck.require(z.allSatisfy { $0 == 0 }, node, "an I32 input takes no zero point other than 0")
            zps = [Int32](repeating: 0, count: scales.count)
        } else {
            zps = try zeroPoints(inputs.count == 3 ? inputs[2] : nil, count: scales.count, node: node, what: "input")
        }
        let y = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let dst = y.mutableFloats, src = x.rawPointer, dtype = x.dtype
        context.parallelFor(x.count, minChunk: 1 << 14) { r in
            for i in r {
                let c = axis.channel(i)
                let v: Int32 = dtype == .i32 ? src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self) : int8Element(src, i, signed: dtype == .i8)
                dst[i] = Float(Int64(v) - Int64(zps[c])) * scales[c]
            }
        }
        return [y]
    }
}
