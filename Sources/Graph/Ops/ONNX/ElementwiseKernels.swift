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

/// Builds integer (and BOOL) tensors from `Int` values.
enum IntegerTensor {
    static func make(_ values: [Int], shape: [Int], dtype: DType = .i64) -> Tensor {
        let out = Tensor(zeros: dtype, shape: shape)
        let p = out.mutableRawPointer
        for (i, v) in values.enumerated() {
            switch dtype {
            case .i64: p.storeBytes(of: Int64(v), toByteOffset: i * 8, as: Int64.self)
            case .i32: p.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: i * 4, as: Int32.self)
            case .bool, .u8: p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
            case .i8: p.storeBytes(of: Int8(truncatingIfNeeded: v), toByteOffset: i, as: Int8.self)
            default: p.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self)
            }
        }
        return out
    }
}

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

/// `Cast(x) {to}`: `to` is a vitopt dtype spelling (`"F32"`, `"I64"`, …). Float→integer truncates
/// toward zero as ONNX specifies; integer→float rounds to nearest; to BOOL is `x != 0`.
struct CastKernel: OpKernel {
    let kind = "Cast"

    func target(_ node: Node) throws -> DType {
        guard let s = node.string("to"), let t = DType(rawValue: s) else { throw GraphError.missingAttribute(node: node.name, name: "to") }
        return t
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        let t = try target(node)
        try KernelCheck.require([.f32, .f64, .f16, .bf16, .i64, .i32, .i8, .u8, .bool].contains(t), node, "Cast to \(t.rawValue) is not supported")
        return [ValueInfo(name: "", dtype: t.isFloatingPoint ? .f32 : t, shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let t = try target(node), x = inputs[0]
        if t.isFloatingPoint { return [x.asF32()] }
        if x.dtype.isFloatingPoint {
            let v = x.floatArray().map { t == .bool ? ($0 != 0 ? 1 : 0) : Int($0.isFinite ? $0.rounded(.towardZero) : 0) }
            return [IntegerTensor.make(v, shape: x.shape, dtype: t)]
        }
        return [IntegerTensor.make(x.intArray().map { t == .bool ? ($0 != 0 ? 1 : 0) : $0 }, shape: x.shape, dtype: t)]
    }
}

/// `Where(condition, x, y)` with NumPy broadcasting, any dtype for x and y (which must agree).
struct WhereKernel: OpKernel {
    let kind = "Where"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        let s = try SymbolicShape.broadcast(try SymbolicShape.broadcast(inputs[0].shape, inputs[1].shape, node: node), inputs[2].shape, node: node)
        let dt = inputs[1].dtype.isFloatingPoint ? DType.f32 : inputs[1].dtype
        return [ValueInfo(name: "", dtype: dt, shape: s)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let shape = Broadcast.shape(Broadcast.shape(inputs[0].shape, inputs[1].shape), inputs[2].shape)
        let n = try KernelAllocation.product(node, shape, role: "output")
        try KernelAllocation.reserve(node, n, elementBytes: 3 * MemoryLayout<Int>.size, role: "operands")
        let c = try TensorIndexing.broadcast(inputs[0], to: shape, node: node).intArray()
        let float = inputs[1].dtype.isFloatingPoint
        let x = try TensorIndexing.broadcast(float ? inputs[1].asF32() : inputs[1], to: shape, node: node)
        let y = try TensorIndexing.broadcast(float ? inputs[2].asF32() : inputs[2], to: shape, node: node)
        if float {
            let out = try KernelAllocation.tensor(node, .f32, shape, zeroed: false)
            let px = x.floats, py = y.floats, d = out.mutableFloats
            for i in 0..<out.count { d[i] = c[i] != 0 ? px[i] : py[i] }
            return [out]
        }
        let xv = x.intArray(), yv = y.intArray()
        return [IntegerTensor.make((0..<c.count).map { c[$0] != 0 ? xv[$0] : yv[$0] }, shape: shape, dtype: inputs[1].dtype)]
    }
}
