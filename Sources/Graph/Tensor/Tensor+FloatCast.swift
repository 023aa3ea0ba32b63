extension Tensor {
    /// The tensor's values stored as `target`, as PyTorch's `tensor.to(dtype)`
    /// stores them: a floating tensor is converted to F32 exactly (`asF32`), then rounded to nearest,
    /// ties to even, subnormals kept; values beyond the target's range become ±infinity. A NaN stays a
    /// NaN: F16 keeps its sign and top payload bits, quieted, as x86's `vcvtps2ph` (and PyTorch on it);
    /// BF16 writes `0x7FC0` with the sign (PyTorch writes `0xFFFF` or `0x7FC0` by code path). Integer and bool
    /// tensors, and a tensor already of `target`, are returned unchanged.
    public func castingFloats(to storage: ParameterDType) -> Tensor {
        let target = storage.dtype
        guard dtype.isFloatingPoint, dtype != target else { return self }
        let f = asF32()
        guard target != .f32 else { return f }
        let out = Tensor(zeros: target, shape: shape)
        let n = count
        f.withFloats { src in
            let dst = out.mutableRawPointer.assumingMemoryBound(to: UInt16.self)
            for i in 0..<n { dst[i] = target == .bf16 ? HalfConversion.floatToBF16(src[i]) : Float16(src[i]).bitPattern }
        }
        return out
    }
}

extension HalfConversion {
    /// binary32 → bfloat16, round to nearest even on the bit pattern (subnormals kept, overflow to
    /// ±infinity); NaN → sign | `0x7FC0`.
    static func floatToBF16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) & 0x8000 | 0x7FC0 }
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }
}
