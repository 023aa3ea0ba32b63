#if canImport(Glibc)
import Glibc
#endif

/// `Mod(a, b) {fmod = 0}` with NumPy broadcasting.
///
/// Integer tensors (64-bit arithmetic, keeping their dtype): with `fmod = 0` the remainder takes the
/// sign of the divisor (Python's `%`), with `fmod = 1` the sign of the dividend (C's `%`). Float
/// tensors need `fmod = 1`, as the ONNX specification says, and compute `fmodf` (exact).
/// An integer divisor of zero is an error naming the node (ONNX leaves the result undefined).
struct ModKernel: OpKernel {
    let kind = "Mod"

    func fmod(_ node: Node) throws -> Bool {
        let f = node.int("fmod") ?? 0
        try KernelCheck.require(f == 0 || f == 1, node, "fmod must be 0 or 1, is \(f)")
        return f == 1
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 2...2)
        let c = try fmod(node)
        try KernelCheck.require(c || !inputs[0].dtype.isFloatingPoint, node, "Mod of float tensors needs fmod = 1")
        return try Self.elementwise(c).inferShapes(node: node, inputs: inputs)
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let c = try fmod(node)
        if !inputs[1].dtype.isFloatingPoint {
            try KernelCheck.require(!inputs[1].intArray().contains(0), node, "integer Mod by zero")
        } else {
            try KernelCheck.require(c, node, "Mod of float tensors needs fmod = 1")
        }
        return try Self.elementwise(c).run(node: node, inputs: inputs, context: context)
    }

    /// The broadcasting elementwise kernel for one `fmod` setting (divisors are non-zero by then).
    static func elementwise(_ cStyle: Bool) -> ONNXBinaryKernel {
        ONNXBinaryKernel(kind: "Mod", float: { fmodf($0, $1) }, integer: { a, b in
            guard b != 0 else { return 0 }
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            return cStyle || r == 0 || (r < 0) == (b < 0) ? r : r &+ b
        })
    }
}
