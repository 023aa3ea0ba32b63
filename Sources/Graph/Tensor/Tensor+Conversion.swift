extension Tensor {
    /// The tensor as F32: itself when it already is an aligned F32 tensor (zero-copy), otherwise a
    /// converted copy. Conversion is exact for every type whose values F32 represents (F16, BF16,
    /// F8, 8/16-bit integers); F64 and 32/64-bit integers round to nearest F32.
    public func asF32() -> Tensor {
        if dtype == .f32 && isAligned { return self }
        let out = Tensor(zeros: .f32, shape: shape)
        let dst = out.mutableFloats
        let n = count
        let src = rawPointer
        switch dtype {
        case .f32:
            for i in 0..<n { dst[i] = src.loadUnaligned(fromByteOffset: i * 4, as: Float.self) }
        case .f64:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
        case .f16:
            for i in 0..<n { dst[i] = HalfConversion.halfToFloat(src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
        case .bf16:
            for i in 0..<n {
                let bits = UInt32(src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) << 16
                dst[i] = Float(bitPattern: bits)
            }
        case .f8e4m3:
            for i in 0..<n { dst[i] = HalfConversion.f8e4m3ToFloat(src.load(fromByteOffset: i, as: UInt8.self)) }
        case .f8e5m2:
            for i in 0..<n {
                let bits = UInt16(src.load(fromByteOffset: i, as: UInt8.self)) << 8
                dst[i] = HalfConversion.halfToFloat(bits)
            }
        case .bool, .u8:
            for i in 0..<n { dst[i] = Float(src.load(fromByteOffset: i, as: UInt8.self)) }
        case .i8:
            for i in 0..<n { dst[i] = Float(src.load(fromByteOffset: i, as: Int8.self)) }
        case .i16:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)) }
        case .u16:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
        case .i32:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
        case .u32:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        case .i64:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
        case .u64:
            for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        }
        return out
    }

    /// The elements converted to `Float` (see `asF32()` for the rounding contract).
    public func floatArray() -> [Float] {
        withFloats { Array($0) }
    }

    /// The elements as `Int` values, for integer tensors (and floats with integral values).
    public func intArray() -> [Int] {
        let n = count
        let src = rawPointer
        switch dtype {
        case .i64: return (0..<n).map { Int(src.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        case .i32: return (0..<n).map { Int(src.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        case .u8, .bool: return (0..<n).map { Int(src.load(fromByteOffset: $0, as: UInt8.self)) }
        case .i8: return (0..<n).map { Int(src.load(fromByteOffset: $0, as: Int8.self)) }
        default: return floatArray().map { Int($0) }
        }
    }

    /// A contiguous, owned copy of this tensor (same dtype and shape).
    public func copy() -> Tensor {
        Tensor(dtype: dtype, shape: shape, bytes: bytes)
    }

    /// Concatenation of same-dtype tensors along axis 0 (the other axes must agree).
    public static func concatenateRows(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let tail = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == tail && $0.dtype == parts[0].dtype },
                     "concatenated tensors differ in dtype or trailing shape")
        let rows = parts.reduce(0) { $0 + $1.shape[0] }
        let out = Tensor(zeros: parts[0].dtype, shape: [rows] + tail)
        var offset = 0
        for p in parts {
            (out.mutableRawPointer + offset).copyMemory(from: p.rawPointer, byteCount: p.byteCount)
            offset += p.byteCount
        }
        return out
    }
}

/// Bit-level conversions for the narrow float formats.
enum HalfConversion {
    /// IEEE binary16 → binary32, exact (subnormals, infinities and NaN payloads preserved).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = UInt32(h >> 10) & 0x1F
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // Subnormal: value = mant · 2^-24.
            let v = Float(mant) * 0x1p-24
            return sign != 0 ? -v : v
        }
        if exp == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | ((exp + 112) << 23) | (mant << 13))
    }

    /// OCP F8 E4M3 ("fn": no infinities, 0x7F/0xFF are NaN) → binary32, exact.
    static func f8e4m3ToFloat(_ b: UInt8) -> Float {
        let sign: Float = (b & 0x80) != 0 ? -1 : 1
        let exp = Int((b >> 3) & 0xF)
        let mant = Float(b & 0x7)
        if exp == 0xF && (b & 0x7) == 0x7 { return .nan }
        if exp == 0 { return sign * mant * 0x1p-9 }
        return sign * (1 + mant / 8) * Float(sign: .plus, exponent: exp - 7, significand: 1)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
