/// ONNX's integer operators as ONNX Runtime's dynamic quantizer emits them: `DynamicQuantizeLinear`,
/// `MatMulInteger` and `ConvInteger`. These are the generic reference kernels (exact int32
/// accumulation); Quantize's pattern pass runs the common `DynamicQuantizeLinear → MatMulInteger →
/// Cast → Mul → Add` chain on vitopt's packed int8 GEMM instead.

/// Reads element `i` of an 8-bit integer tensor (U8 or I8) as Int32.
@inline(__always)
func int8Element(_ p: UnsafeRawPointer, _ i: Int, signed: Bool) -> Int32 {
    signed ? Int32(p.load(fromByteOffset: i, as: Int8.self)) : Int32(p.load(fromByteOffset: i, as: UInt8.self))
}

/// Zero points of an optional U8/I8 input: a scalar (or one element) broadcast to `count`, or `count` values.
func zeroPoints(_ t: Tensor?, count: Int, node: Node, what: String) throws -> [Int32] {
    guard let t else { return [Int32](repeating: 0, count: count) }
    try KernelCheck.require(t.dtype == .u8 || t.dtype == .i8, node, "\(what) zero point must be U8 or I8, is \(t.dtype.rawValue)")
    let p = t.rawPointer, signed = t.dtype == .i8
    if t.count == 1 { return [Int32](repeating: int8Element(p, 0, signed: signed), count: count) }
    try KernelCheck.require(t.count == count, node, "\(what) zero point has \(t.count) values, expected 1 or \(count)")
    return (0..<count).map { int8Element(p, $0, signed: signed) }
}
