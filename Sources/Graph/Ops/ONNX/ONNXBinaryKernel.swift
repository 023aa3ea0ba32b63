#if canImport(Glibc)
import Glibc
#endif

/// ONNX elementwise binary ops with NumPy broadcasting: `Add`, `Sub`, `Mul`, `Div`, `Pow`, `Min`, `Max` (two
/// operands; NaN propagates), and the comparisons `Equal`, `Greater`, `Less` (false when an operand is NaN).
///
/// Float tensors compute in fp32, one IEEE operation per element (bit-identical to ONNX Runtime's
/// elementwise kernels; `Pow` uses `powf`, exact for the integer exponents exports use). Integer
/// tensors (shape arithmetic) compute in 64-bit, `Div` truncating toward zero as ONNX specifies, and
/// keep their dtype. The comparisons return BOOL.
struct ONNXBinaryKernel: OpKernel {
    let kind: String
    let float: @Sendable (Float, Float) -> Float
    let integer: @Sendable (Int, Int) -> Int
    var comparison = false

    static let all: [ONNXBinaryKernel] = [
        ONNXBinaryKernel(kind: "Add", float: { $0 + $1 }, integer: { $0 &+ $1 }),
        ONNXBinaryKernel(kind: "Sub", float: { $0 - $1 }, integer: { $0 &- $1 }),
        ONNXBinaryKernel(kind: "Mul", float: { $0 * $1 }, integer: { $0 &* $1 }),
        ONNXBinaryKernel(kind: "Div", float: { $0 / $1 }, integer: { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue }),
        ONNXBinaryKernel(kind: "Pow", float: { powf($0, $1) }, integer: { a, b in b < 0 ? 0 : (0..<b).reduce(1) { acc, _ in acc &* a } }),
        ONNXBinaryKernel(kind: "Min", float: { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }, integer: { Swift.min($0, $1) }),
        ONNXBinaryKernel(kind: "Max", float: { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }, integer: { Swift.max($0, $1) }),
        ONNXBinaryKernel(kind: "Equal", float: { $0 == $1 ? 1 : 0 }, integer: { $0 == $1 ? 1 : 0 }, comparison: true),
        ONNXBinaryKernel(kind: "Greater", float: { $0 > $1 ? 1 : 0 }, integer: { $0 > $1 ? 1 : 0 }, comparison: true),
        ONNXBinaryKernel(kind: "Less", float: { $0 < $1 ? 1 : 0 }, integer: { $0 < $1 ? 1 : 0 }, comparison: true),
    ]

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        let shape = try SymbolicShape.broadcast(inputs[0].shape, inputs[1].shape, node: node)
        let isFloat = inputs[0].dtype.isFloatingPoint
        try KernelCheck.require(isFloat == inputs[1].dtype.isFloatingPoint, node,
                                "operands differ in type: \(inputs[0].dtype.rawValue) and \(inputs[1].dtype.rawValue)")
        let dtype: DType = comparison ? .bool : (isFloat ? .f32 : inputs[0].dtype)
        return [ValueInfo(name: "", dtype: dtype, shape: shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let a = inputs[0], b = inputs[1]
        if a.dtype.isFloatingPoint && !comparison {
            return try BinaryKernel(kind: kind, apply: float).run(node: node, inputs: [a.asF32(), b.asF32()], context: context)
        }
        let shape = Broadcast.shape(a.shape, b.shape)
        let n = try KernelAllocation.product(node, shape, role: "output")
        try KernelAllocation.reserve(node, n, elementBytes: 3 * MemoryLayout<Int>.size, role: "integer operands")
        let sa = Broadcast.strides(a.shape, into: shape), sb = Broadcast.strides(b.shape, into: shape)
        var index = [Int](repeating: 0, count: shape.count)
        func step() {
            var d = shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { return }; index[d] = 0; d -= 1 }
        }
        func offsets() -> (Int, Int) {
            var oa = 0, ob = 0
            for d in 0..<shape.count { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
            return (oa, ob)
        }
        if a.dtype.isFloatingPoint {
            let x = a.floatArray(), y = b.floatArray()
            let out = try KernelAllocation.tensor(node, .bool, shape)
            let p = out.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { let (oa, ob) = offsets(); p[i] = float(x[oa], y[ob]) != 0 ? 1 : 0; step() }
            return [out]
        }
        let x = a.intArray(), y = b.intArray()
        var values = [Int](repeating: 0, count: n)
        for i in 0..<n { let (oa, ob) = offsets(); values[i] = integer(x[oa], y[ob]); step() }
        return [IntegerTensor.make(values, shape: shape, dtype: comparison ? .bool : a.dtype)]
    }
}

extension ONNXBinaryKernel {
    /// `GreaterOrEqual` and `LessOrEqual` (opset 12): comparisons, false when an operand is NaN.
    static let orEqual: [ONNXBinaryKernel] = [
        ONNXBinaryKernel(kind: "GreaterOrEqual", float: { $0 >= $1 ? 1 : 0 }, integer: { $0 >= $1 ? 1 : 0 }, comparison: true),
        ONNXBinaryKernel(kind: "LessOrEqual", float: { $0 <= $1 ? 1 : 0 }, integer: { $0 <= $1 ? 1 : 0 }, comparison: true),
    ]
}
