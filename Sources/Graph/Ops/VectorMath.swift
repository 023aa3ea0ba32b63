internal import CFloatGEMM
public import CVecMath
#if canImport(Glibc)
import Glibc
#endif

/// `exp` and erf-GELU: branch-free scalar definitions (`exp(_:)`, `erf(_:)`) and buffer versions that
/// run the same formulas in C with AVX-512 or AVX2 where the CPU has them (CFloatGEMM's vecmath.c,
/// separate multiplies and adds in the same order, so every path is bit-identical to the scalar one).
///
/// Accuracy contracts (checked against float64 references in `VectorMathTests`):
/// - `exp`: relative error ≤ 2.5 ulp on [−87.3, 88.7] (Cody–Waite reduction by ln 2, degree-7
///   Taylor polynomial on |r| ≤ ln2/2); below −87.3 it returns 0, above 88.7 +inf.
/// - `erf`: absolute error ≤ 3e-7: a rational fit x·P(x²)/Q(x²) on [0, 3.925] (degrees 5/5, fitted
///   for vitopt in float64 by weighted least squares), ±1 beyond; so GELU's absolute error is ≤ 1.5e-7·|x|.
public enum VectorMath {
    @inlinable @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let a = min(abs(x), Float(VITOPT_ERF_CLAMP))
        let z = a * a
        var p = Float(VITOPT_ERF_P5)
        p = p * z + Float(VITOPT_ERF_P4)
        p = p * z + Float(VITOPT_ERF_P3)
        p = p * z + Float(VITOPT_ERF_P2)
        p = p * z + Float(VITOPT_ERF_P1)
        p = p * z + Float(VITOPT_ERF_P0)
        var q = Float(VITOPT_ERF_Q5)
        q = q * z + Float(VITOPT_ERF_Q4)
        q = q * z + Float(VITOPT_ERF_Q3)
        q = q * z + Float(VITOPT_ERF_Q2)
        q = q * z + Float(VITOPT_ERF_Q1)
        q = q * z + Float(VITOPT_ERF_Q0)
        return Float(sign: x.sign, exponent: 0, significand: min(a * p / q, 1))
    }

    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let lo = Float(VITOPT_EXP_LO), hi = Float(VITOPT_EXP_HI), magic = Float(VITOPT_ROUND_MAGIC)
        let xc = min(max(x, lo), hi)
        // Adding 1.5·2^23 rounds x·log2(e) to an integer n, which then sits in the low mantissa bits.
        let kn = xc * Float(VITOPT_LOG2E) + magic
        let n = kn - magic
        let r = xc - n * Float(VITOPT_LN2_HI) - n * Float(VITOPT_LN2_LO)
        var p = Float(VITOPT_EXP_C7)
        p = p * r + Float(VITOPT_EXP_C6)
        p = p * r + Float(VITOPT_EXP_C5)
        p = p * r + Float(VITOPT_EXP_C4)
        p = p * r + Float(VITOPT_EXP_C3)
        p = p * r + Float(VITOPT_EXP_C2)
        p = p * r + Float(VITOPT_EXP_C1)
        p = p * r + Float(VITOPT_EXP_C0)
        let scaled = p * Float(bitPattern: (kn.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return x < lo ? 0 : (x > hi ? .infinity : scaled)
    }

    /// The SIMD path the buffer functions use: `VITOPT_SGEMM`'s choice, else the best the CPU has.
    public static let path: FloatGEMM.Path = FloatGEMM.selectedPath ?? FloatGEMM.bestPath

    /// `y[i] = exp(x[i])`; `x` and `y` may be the same buffer. Runs vitopt's C kernels (AVX-512,
    /// AVX2 or scalar), which compute `exp(_:)` above bit for bit.
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, path: FloatGEMM.Path = path) {
        vitopt_vexp(Int32(path.rawValue), x, y, count)
    }

    /// `y[i] = 0.5·x·(1 + erf(x/√2))`; `x` and `y` may be the same buffer. Bit for bit `geluReference`.
    public static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, path: FloatGEMM.Path = path) {
        vitopt_vgelu(Int32(path.rawValue), x, y, count)
    }

    /// `y[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (GELU's tanh form) with the C library's
    /// `tanhf`; `x` and `y` may be the same buffer.
    public static func geluTanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            y[i] = 0.5 * v * (1 + tanhf(0.7978845608028654 * (v + 0.044715 * v * v * v)))
        }
    }

    /// The scalar Swift definition the C kernels reproduce (kept as the tests' reference).
    public static func geluReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            y[i] = 0.5 * v * (1 + erf(v * 0.707_106_77))
        }
    }

    /// The sum of `n` floats in eight interleaved partial sums (lane j adds elements j, j+8, …)
    /// combined pairwise at the end: a fixed order (independent of threads), and not latency-bound.
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var p0: Float = 0, p1: Float = 0, p2: Float = 0, p3: Float = 0, p4: Float = 0, p5: Float = 0, p6: Float = 0, p7: Float = 0
        var i = 0
        while i + 8 <= n {
            p0 += x[i]; p1 += x[i + 1]; p2 += x[i + 2]; p3 += x[i + 3]
            p4 += x[i + 4]; p5 += x[i + 5]; p6 += x[i + 6]; p7 += x[i + 7]
            i += 8
        }
        var s = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// `Σ (x[i] − c)²` in the same eight-lane order as `sum`.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int, minus c: Float) -> Float {
        var p0: Float = 0, p1: Float = 0, p2: Float = 0, p3: Float = 0, p4: Float = 0, p5: Float = 0, p6: Float = 0, p7: Float = 0
        var i = 0
        while i + 8 <= n {
            let d0 = x[i] - c, d1 = x[i + 1] - c, d2 = x[i + 2] - c, d3 = x[i + 3] - c
            let d4 = x[i + 4] - c, d5 = x[i + 5] - c, d6 = x[i + 6] - c, d7 = x[i + 7] - c
            p0 += d0 * d0; p1 += d1 * d1; p2 += d2 * d2; p3 += d3 * d3
            p4 += d4 * d4; p5 += d5 * d5; p6 += d6 * d6; p7 += d7 * d7
            i += 8
        }
        var s = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
        while i < n { let d = x[i] - c; s += d * d; i += 1 }
        return s
    }

    /// The smallest and largest of `n ≥ 1` floats (NaNs are skipped), over eight independent lanes.
    @inlinable
    public static func minMax(_ x: UnsafePointer<Float>, _ n: Int) -> (min: Float, max: Float) {
        var l0 = Float.infinity, l1 = l0, l2 = l0, l3 = l0, l4 = l0, l5 = l0, l6 = l0, l7 = l0
        var h0 = -Float.infinity, h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0, h6 = h0, h7 = h0
        var i = 0
        while i + 8 <= n {
            let v0 = x[i], v1 = x[i + 1], v2 = x[i + 2], v3 = x[i + 3], v4 = x[i + 4], v5 = x[i + 5], v6 = x[i + 6], v7 = x[i + 7]
            l0 = v0 < l0 ? v0 : l0; l1 = v1 < l1 ? v1 : l1; l2 = v2 < l2 ? v2 : l2; l3 = v3 < l3 ? v3 : l3
            l4 = v4 < l4 ? v4 : l4; l5 = v5 < l5 ? v5 : l5; l6 = v6 < l6 ? v6 : l6; l7 = v7 < l7 ? v7 : l7
            h0 = v0 > h0 ? v0 : h0; h1 = v1 > h1 ? v1 : h1; h2 = v2 > h2 ? v2 : h2; h3 = v3 > h3 ? v3 : h3
            h4 = v4 > h4 ? v4 : h4; h5 = v5 > h5 ? v5 : h5; h6 = v6 > h6 ? v6 : h6; h7 = v7 > h7 ? v7 : h7
            i += 8
        }
        var l = Swift.min(Swift.min(Swift.min(l0, l1), Swift.min(l2, l3)), Swift.min(Swift.min(l4, l5), Swift.min(l6, l7)))
        var h = Swift.max(Swift.max(Swift.max(h0, h1), Swift.max(h2, h3)), Swift.max(Swift.max(h4, h5), Swift.max(h6, h7)))
        while i < n {
            if x[i] < l { l = x[i] }
            if x[i] > h { h = x[i] }
            i += 1
        }
        return (l, h)
    }
}
