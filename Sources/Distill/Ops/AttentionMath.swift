internal import CDistillKernels
#if canImport(Glibc)
import Glibc
#endif

/// The matrix products inside attention for one (image, head): `A·Bᵀ` (scores, `dP`) and `P·V` / `Pᵀ·V`
/// (outputs, `dV`, `dQ`, `dK`), and GELU with its derivative, through `CDistillKernels`: AVX-512 register tiles,
/// with a scalar C reference that performs the same operations (tests compare the two bit for bit).
/// `AttentionGrad` uses them where the CPU has AVX-512 (`selected`); elsewhere, or with
/// `VITOPT_ATTN=portable`, it keeps OpenBLAS.
///
/// Numerical contract: each product element is one fp32 accumulator from 0, one fused multiply-add per
/// term in ascending order, times the scale once; GELU is documented in `CDistillKernels.h`. The softmax
/// is the runtime's (`Softmax.rows`) on every path.
enum AttentionMath {
    enum Path: Int, CaseIterable { case scalar = 0, avx512 = 1 }

    static let bestPath = Path(rawValue: Int(vitopt_attn_best_path())) ?? .scalar

    /// Paths this CPU runs, the reference first.
    static var availablePaths: [Path] { Path.allCases.filter { $0.rawValue <= bestPath.rawValue } }

    /// `.avx512` when the CPU has it and `VITOPT_ATTN` is not `portable`; `.scalar` selects the portable
    /// OpenBLAS path in `AttentionGrad` (the C scalar reference is for tests).
    static let selected: Path = {
        if let v = getenv("VITOPT_ATTN"), String(cString: v).lowercased() == "portable" { return .scalar }
        return bestPath
    }()

    /// Floats of scratch `abT` needs for `n` rows of B with `k` columns.
    static func abTScratch(n: Int, k: Int) -> Int { Int(vitopt_attn_abt_scratch(Int32(n), Int32(k))) }

    /// `out[i, j] = scale · Σ_c a[i, c]·b[j, c]` for `i < m`, `j < n`, `c < k`.
    @inline(__always)
    static func abT(m: Int, n: Int, k: Int, scale: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                    out: UnsafeMutablePointer<Float>, ldo: Int, scratch: UnsafeMutablePointer<Float>, path: Path = selected) {
        vitopt_attn_abt(Int32(path.rawValue), Int32(m), Int32(n), Int32(k), scale, a, Int32(lda), b, Int32(ldb), out, Int32(ldo), scratch)
    }

    /// Exact GELU of `count` floats into `act`, and its derivative into `derivative` (which may be `x`).
    @inline(__always)
    static func gelu(_ x: UnsafePointer<Float>, act: UnsafeMutablePointer<Float>, derivative: UnsafeMutablePointer<Float>?, count: Int,
                     path: Path = selected) {
        vitopt_gelu(Int32(path.rawValue), x, act, derivative, count)
    }

    /// `out[i, c] = alpha · Σ_j P(i, j)·v[j, c]` (`+ out[i, c]` with `accumulate`) with `P(i, j) = p[i, j]`, or
    /// `p[j, i]` when `transposeP`.
    @inline(__always)
    static func ab(m: Int, n: Int, k: Int, alpha: Float = 1, p: UnsafePointer<Float>, ldp: Int, transposeP: Bool = false,
                   v: UnsafePointer<Float>, ldv: Int, out: UnsafeMutablePointer<Float>, ldo: Int, accumulate: Bool = false,
                   path: Path = selected) {
        vitopt_attn_ab(Int32(path.rawValue), Int32(m), Int32(n), Int32(k), alpha, p, Int32(ldp), transposeP ? 1 : 0, v, Int32(ldv),
                       out, Int32(ldo), accumulate ? 1 : 0)
    }
}
