internal import CFloatGEMM
#if canImport(Glibc)
import Glibc
#endif

/// vitopt's own fp32 GEMM for Linear layers with constant weights: the weight is packed once into
/// 32-column panels (`pack`), then `C = A·Wᵀ + bias` runs register-blocked micro-kernels
/// (AVX-512: 14×32 tiles, AVX2+FMA: 6×16, portable scalar otherwise) chosen at run time from the CPU,
/// with threads splitting the panels.
///
/// Numerical contract: every output is `fma(a[k], w[k], …fma(a[0], w[0], bias))`, k ascending, in
/// fp32 — the same operation sequence on every path, so the paths agree bit for bit with the scalar
/// reference. Against OpenBLAS (a different summation order) results differ by fp32 rounding only.
///
/// `VITOPT_SGEMM=scalar|avx2|avx512|openblas` forces a path (`openblas` disables packing altogether);
/// without either SIMD path the default is OpenBLAS.
public enum FloatGEMM {
    public enum Path: Int, CaseIterable, Sendable {
        case scalar = 0, avx2 = 1, avx512 = 2

        public var name: String { ["scalar", "avx2", "avx512"][rawValue] }
    }

    /// Columns per packed panel.
    public static let panelWidth = Int(VITOPT_SGEMM_NR)

    /// The best path this CPU runs.
    public static var bestPath: Path { Path(rawValue: Int(vitopt_sgemm_best_path())) ?? .scalar }

    /// The best path for a CPU with these features: AVX-512 needs F and DQ (the kernels are compiled
    /// for both), AVX2 needs FMA too; otherwise the scalar reference.
    static func path(avx512f: Bool, avx512dq: Bool, avx2: Bool, fma: Bool) -> Path {
        Path(rawValue: Int(vitopt_sgemm_path_for(avx512f ? 1 : 0, avx512dq ? 1 : 0, avx2 ? 1 : 0, fma ? 1 : 0))) ?? .scalar
    }

    /// Every path this CPU runs, scalar first.
    public static var availablePaths: [Path] { Path.allCases.filter { $0.rawValue <= bestPath.rawValue } }

    /// The path in use (`nil`: OpenBLAS instead): `selectPath` of `VITOPT_SGEMM` on this CPU.
    public static var selectedPath: Path? {
        selectPath(requested: getenv("VITOPT_SGEMM").map { String(cString: $0) }, best: bestPath)
    }

    /// `requested` when it names a path the CPU runs (`openblas`: `nil`); unset or unknown, the best
    /// SIMD path, or OpenBLAS on a CPU with neither AVX2 nor AVX-512 (ARM, old x86), whose own kernels
    /// there beat vitopt's scalar reference by far (`scalar` still forces the reference).
    public static func selectPath(requested: String?, best: Path) -> Path? {
        let fallback: Path? = best == .scalar ? nil : best
        guard let v = requested?.lowercased() else { return fallback }
        if v == "openblas" { return nil }
        if let p = Path.allCases.first(where: { $0.name == v }), p.rawValue <= best.rawValue { return p }
        return fallback
    }

    /// Packs an F32 weight `[n, k]` into panels: a `[panels, k, 32]` F32 tensor, zero-padded in n.
    public static func pack(_ weight: Tensor) -> Tensor {
        let n = weight.shape[0], k = weight.shape[1]
        let panels = (n + panelWidth - 1) / panelWidth
        let out = Tensor(zeros: .f32, shape: [panels, k, panelWidth])
        vitopt_sgemm_pack(weight.floats, Int32(n), Int32(k), Int32(k), out.mutableFloats)
        return out
    }

    /// What `multiply` applies to each finished output tile.
    public enum Epilogue {
        case none
        /// `c = gelu(a·Wᵀ + bias)` with `VectorMath.gelu`'s formula.
        case gelu
        /// `c = (a·Wᵀ + bias) + residual` (one fp32 add; `residual` is `[m, n]` and must not be `c`).
        case residual(UnsafePointer<Float>)
    }

    /// `c[m, n] = a[m, k]·Wᵀ + bias`, then `epilogue`, with W packed by `pack`. A is packed once
    /// (for the AVX-512 path) and shared by the threads, which split the panels.
    public static func multiply(_ a: UnsafePointer<Float>, m: Int, k: Int, packed: Tensor, n: Int,
                                bias: UnsafePointer<Float>?, into c: UnsafeMutablePointer<Float>,
                                path: Path, epilogue: Epilogue = .none, context: ExecutionContext) {
        let panels = packed.shape[0]
        let b = packed.floats
        let aSize = Int(vitopt_sgemm_packed_a_size(Int32(path.rawValue), Int32(m), Int32(k)))
        var aPacked: UnsafeMutablePointer<Float>?
        if aSize > 0 {
            var raw: UnsafeMutableRawPointer?
            if posix_memalign(&raw, 64, aSize * MemoryLayout<Float>.size) == 0, let raw {
                let dst = raw.assumingMemoryBound(to: Float.self)
                aPacked = dst
                // Packing is a few percent of the GEMM and memory-bound: the threads share it.
                let tiles = Int(vitopt_sgemm_a_tiles(Int32(path.rawValue), Int32(m)))
                context.parallelFor(tiles, minChunk: max(1, (1 << 16) / max(1, 14 * k))) { r in
                    vitopt_sgemm_pack_a_tiles(Int32(path.rawValue), Int32(m), Int32(k), a, Int32(k), dst,
                                              Int32(r.lowerBound), Int32(r.upperBound))
                }
            }
        }
        defer { free(aPacked) }
        let shared = aPacked.map { UnsafePointer($0) }
        let (code, residual): (Int32, UnsafePointer<Float>?) = switch epilogue {
        case .none: (Int32(VITOPT_EPILOGUE_NONE), nil)
        case .gelu: (Int32(VITOPT_EPILOGUE_GELU), nil)
        case .residual(let r): (Int32(VITOPT_EPILOGUE_RESIDUAL), r)
        }
        // Enough panels per thread to amortise the partial last row tile, and at least ~2M
        // multiply-adds per thread (waking a worker costs tens of microseconds).
        let perPanel = max(1, m * k * panelWidth)
        context.parallelFor(panels, minChunk: max(2, (1 << 21) / perPanel)) { range in
            vitopt_sgemm_packed_ex(Int32(path.rawValue), Int32(m), Int32(n), Int32(k), a, Int32(k), shared, b, bias, code,
                                   residual, c, Int32(n), Int32(range.lowerBound), Int32(range.upperBound))
        }
    }

    /// Floats of a packed `[n, k]` weight.
    public static func packedCount(n: Int, k: Int) -> Int { Int(vitopt_sgemm_packed_size(Int32(n), Int32(k))) }

    /// Packs `w` (`[n, k]`, row stride `ldw`, as a Linear weight) into `packed` (`packedCount` floats).
    public static func pack(_ w: UnsafePointer<Float>, n: Int, k: Int, ldw: Int, into packed: UnsafeMutablePointer<Float>) {
        vitopt_sgemm_pack(w, Int32(n), Int32(k), Int32(ldw), packed)
    }

    /// Packs `b` given k-major (`[k, n]`, row stride `ldb`, for `C = A·B`) into `packed` (`packedCount` floats).
    public static func packKMajor(_ b: UnsafePointer<Float>, n: Int, k: Int, ldb: Int, into packed: UnsafeMutablePointer<Float>) {
        vitopt_sgemm_pack_kmajor(b, Int32(n), Int32(k), Int32(ldb), packed)
    }

    /// Floats of the A scratch `multiply(… aScratch:)` needs for `m × k` on `path`.
    public static func aScratchCount(path: Path, m: Int, k: Int) -> Int {
        max(1, Int(vitopt_sgemm_packed_a_size(Int32(path.rawValue), Int32(m), Int32(k))))
    }

    /// Single-threaded `c[m, n] (row stride ldc) = a[m, k] (row stride lda) · Wᵀ` with W packed in
    /// `packed`; `aScratch` (64-byte aligned, `aScratchCount` floats) receives the packed A. The same
    /// fma chains as the threaded `multiply`.
    public static func multiply(_ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int, packed: UnsafePointer<Float>, n: Int,
                                into c: UnsafeMutablePointer<Float>, ldc: Int, path: Path, aScratch: UnsafeMutablePointer<Float>) {
        let usesScratch = vitopt_sgemm_packed_a_size(Int32(path.rawValue), Int32(m), Int32(k)) > 0
        if usesScratch { vitopt_sgemm_pack_a(Int32(path.rawValue), Int32(m), Int32(k), a, Int32(lda), aScratch) }
        vitopt_sgemm_packed_ex(Int32(path.rawValue), Int32(m), Int32(n), Int32(k), a, Int32(lda), usesScratch ? aScratch : nil,
                               packed, nil, Int32(VITOPT_EPILOGUE_NONE), nil, c, Int32(ldc), 0,
                               Int32((n + panelWidth - 1) / panelWidth))
    }
}
