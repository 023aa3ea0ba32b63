#if canImport(Glibc)
import Glibc
#endif

/// ONNX elementwise unary float ops: `Sqrt`, `Erf`, `Neg`, `Reciprocal`, `Exp`, `Relu`, `Sigmoid`, `Cos`,
/// `Sin` (the C library's fp32 functions, ≈1 ulp), `Round` (half to even, exact), `Ceil` and `Floor` (exact), `Abs` (exact; integer
/// tensors too, in 64-bit, keeping their dtype), and `Identity` (no copy, any dtype).
struct ONNXUnaryKernel: OpKernel {
    let kind: String
    let apply: (@Sendable (Float) -> Float)?
    /// The integer form, for the ops defined on integer tensors.
    var integer: (@Sendable (Int) -> Int)? = nil

    static let all: [ONNXUnaryKernel] = [
        ONNXUnaryKernel(kind: "Sqrt", apply: { sqrtf($0) }),
        ONNXUnaryKernel(kind: "Erf", apply: { erff($0) }),
        ONNXUnaryKernel(kind: "Neg", apply: { -$0 }),
        ONNXUnaryKernel(kind: "Reciprocal", apply: { 1 / $0 }),
        ONNXUnaryKernel(kind: "Exp", apply: { expf($0) }),
        ONNXUnaryKernel(kind: "Relu", apply: { max(0, $0) }),
        ONNXUnaryKernel(kind: "Sigmoid", apply: { 1 / (1 + expf(-$0)) }),
        ONNXUnaryKernel(kind: "Round", apply: { $0.rounded(.toNearestOrEven) }),
        ONNXUnaryKernel(kind: "Cos", apply: { cosf($0) }),
        ONNXUnaryKernel(kind: "Sin", apply: { sinf($0) }),
        ONNXUnaryKernel(kind: "Abs", apply: { abs($0) }, integer: { $0 == .min ? $0 : abs($0) }),
        ONNXUnaryKernel(kind: "Ceil", apply: { $0.rounded(.up) }),
        ONNXUnaryKernel(kind: "Floor", apply: { $0.rounded(.down) }),
        ONNXUnaryKernel(kind: "Identity", apply: nil),
    ]

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        if apply != nil && !(integer != nil && !inputs[0].dtype.isFloatingPoint) {
            try KernelCheck.require(inputs[0].dtype.isFloatingPoint, node, "\(kind) needs a float input, has \(inputs[0].dtype.rawValue)")
        }
        return [ValueInfo(name: "", dtype: apply == nil || !inputs[0].dtype.isFloatingPoint ? inputs[0].dtype : .f32, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        guard let f = apply else { return [inputs[0]] }
        if let g = integer, !inputs[0].dtype.isFloatingPoint {
            try KernelAllocation.reserve(node, inputs[0].count, elementBytes: MemoryLayout<Int>.size, role: "integer operand")
            return [IntegerTensor.make(inputs[0].intArray().map(g), shape: inputs[0].shape, dtype: inputs[0].dtype)]
        }
        let x = inputs[0].asF32()
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let src = x.floats, dst = out.mutableFloats
        context.parallelFor(x.count, minChunk: 1 << 14) { r in for i in r { dst[i] = f(src[i]) } }
        return [out]
    }
}
