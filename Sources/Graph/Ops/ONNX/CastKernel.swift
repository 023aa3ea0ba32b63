#if canImport(Glibc)
import Glibc
#endif

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
