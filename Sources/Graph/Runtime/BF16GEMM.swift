internal import CBF16GEMM
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// vitopt's bf16 GEMM for Linear layers with constant weights: bf16 operands, fp32 accumulation.
/// The weight is rounded to bf16 and packed once into 64-column panels (`pack`); at run time the
/// activations are rounded to bf16 (shared by the threads) and `C = A·Wᵀ + bias` runs on the fastest
/// path the CPU has, threads splitting the panels, with `FloatGEMM`'s epilogues.
///
/// Numerical contract (`CBF16GEMM.h`): bf16 rounding is to nearest, ties to even (PyTorch's
/// `.to(torch.bfloat16)`; NaN stays NaN, fp32 denormals become zero). Each output is the bias, then
/// for each pair of k ascending two fp32 fused multiply-adds (odd k, then even k), denormal sums
/// flushed to zero — VDPBF16PS's definition — so every path writes the same bits. Against the fp32
/// GEMM on the same inputs the difference is the rounding of the operands: each product is off by at
/// most about 2·2⁻⁸ relative, so an output of K terms is within ≈ 2⁻⁷·Σ|a·w| (plus fp32 rounding).
public enum BF16GEMM {
    /// The kernel paths (`VITOPT_BF16_KERNEL` names them).
    public enum Path: String, CaseIterable, Sendable {
        /// The portable reference.
        case scalar
        /// AVX2 + FMA emulation in fp32, for x86 CPUs without AVX512-BF16 (same bits, slower than fp32).
        case avx2
        /// `VDPBF16PS` (Cooper Lake, Sapphire Rapids and later; Zen 4 and later).
        case avx512bf16
        /// AVX-512F emulation on the fp32 FMA units (same bits): faster than `avx512bf16` where `VDPBF16PS`
        /// runs below the FMA rate, as on this project's Xeon without AMX (docs/bf16.md).
        case avx512
        /// AMX-BF16 `TDPBF16PS` on 32 × 32 tile blocks (Sapphire Rapids and later, with Linux's permission for
        /// the tile data). Offered only after a first-use self-check on the real tiles. Not bit-exact with the
        /// others: within `amxBound` of the scalar reference (`CBF16GEMM.h`).
        case amx
        /// The bf16 values widened to fp32 once (weights at packing, activations per call), each pair odd
        /// element first, on vitopt's fp32 GEMM under FTZ/DAZ: the same FMA chain, so the same bits, at the
        /// fp32 kernel's speed; the packed weights take fp32's memory. Needs an FMA path of `FloatGEMM` on x86.
        case widened

        var code: Int32 {
            switch self {
            case .scalar: Int32(VITOPT_BF16_SCALAR)
            case .avx2: Int32(VITOPT_BF16_AVX2)
            case .avx512bf16: Int32(VITOPT_BF16_AVX512BF16)
            case .avx512: Int32(VITOPT_BF16_AVX512)
            case .amx: Int32(VITOPT_BF16_AMX)
            case .widened: Int32(VITOPT_BF16_WIDENED)
            }
        }

        /// Whether the path writes the scalar reference's bits (every path but `amx`).
        public var isBitExact: Bool { self != .amx }

        /// Whether this CPU runs the path.
        public var isSupported: Bool { vitopt_bf16_cpu_supports(code) != 0 }

    }

    /// The environment variable that forces a path.
    public static let environmentKey = "VITOPT_BF16_KERNEL"

    /// Paths this CPU runs.
    public static var availablePaths: [Path] { Path.allCases.filter(\.isSupported) }

    /// Why the AMX path is or is not offered here (probed once per process).
    public static var amxStatus: String {
        switch vitopt_bf16_amx_status() {
        case Int32(VITOPT_BF16_AMX_READY): "AMX-BF16 ready"
        case Int32(VITOPT_BF16_AMX_NO_PERMISSION): "AMX-BF16 present, but Linux refused the tile-data permission"
        case Int32(VITOPT_BF16_AMX_SELF_CHECK_FAILED): "AMX-BF16 present, but the kernel failed its self-check on the real tiles"
        default: "no AMX-BF16 on this CPU (or the OS does not enable tile state)"
        }
    }

    /// The AMX path's bound on `|c − c_scalar|` (before the epilogue) for an output of padded depth `paddedK`
    /// whose `|bias| + Σ|a·w|` is `magnitude`: `2·paddedK·2⁻²⁴·magnitude` (with a 10⁻⁴ margin) plus
    /// `2·paddedK·2⁻¹²⁶` for flushed denormals.
    public static func amxBound(paddedK: Int, magnitude: Double) -> Double { vitopt_bf16_amx_bound(Int32(paddedK), magnitude) }

    /// `VITOPT_BF16_KERNEL`'s path when set; else `amx` where it is ready; else, on a CPU with AVX512-BF16,
    /// the faster of `avx512bf16` and `avx512` (`fasterHardwarePath`); `nil` on a CPU without bf16
    /// hardware, so that bf16 precision runs in fp32 (the AVX2 emulation is slower than fp32 and only worth
    /// forcing to check results).
    /// - Throws: `GraphError.unsupported` for an unknown path, or one this CPU cannot run.
    public static func selectedPath(environment: [String: String] = currentEnvironment()) throws -> Path? {
        guard let raw = environment[environmentKey], !raw.isEmpty else {
            if Path.amx.isSupported { return .amx }
            return Path.avx512bf16.isSupported ? fasterHardwarePath : nil
        }
        guard let path = Path(rawValue: raw.lowercased()) else {
            throw GraphError.unsupported("\(environmentKey)=\(raw) is not one of \(Path.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard path.isSupported else {
            let why = path == .amx ? " (\(amxStatus))" : ""
            throw GraphError.unsupported("\(environmentKey)=\(raw): this CPU cannot run that path\(why) (available: \(availablePaths.map(\.rawValue).joined(separator: ", ")))")
        }
        return path
    }

    /// The fastest of the bit-exact hardware-era paths this CPU runs (`avx512bf16`, `avx512`, `widened`): each is
    /// timed on a 96 × 768 × 512 GEMM (best of 6, interleaved; about 40 ms, once per process; a 48 × 768 × 256
    /// trial of 4 picked the slower one on a loaded machine). `VDPBF16PS` runs at the FMA rate on some CPUs and
    /// at half of it on others (docs/bf16.md); the paths write the same bits, so the choice changes only the speed.
    static let fasterHardwarePath: Path = {
        let candidates = [Path.avx512bf16, .avx512, .widened].filter(\.isSupported)
        guard candidates.count > 1 else { return candidates.first ?? .avx512bf16 }
        let (m, k, n) = (96, 768, 512)
        func values(_ count: Int) -> [Float] { (0..<count).map { Float(($0 * 7919) % 97) / 48 - 1 } }
        let a = Tensor(shape: [m, k], floats: values(m * k)), w = Tensor(shape: [n, k], floats: values(n * k))
        let c = Tensor(zeros: .f32, shape: [m, n])
        let context = ExecutionContext(threads: 1)
        var packed: [Path: Tensor] = [:]
        for path in candidates { packed[path] = try? pack(w, name: "calibration", path: path) }
        var best: [Path: UInt64] = [:]
        for _ in 0..<6 {
            for path in candidates {
                guard let p = packed[path] else { continue }
                let t0 = DispatchTime.now().uptimeNanoseconds
                try? multiply(a.floats, m: m, k: k, packed: p, n: n, bias: nil, into: c.mutableFloats, path: path, context: context)
                let t = DispatchTime.now().uptimeNanoseconds - t0
                best[path] = min(best[path] ?? .max, t)
            }
        }
        return candidates.min { (best[$0] ?? .max) < (best[$1] ?? .max) } ?? .avx512bf16
    }()

    /// `epilogue` as the C kernels' `VITOPT_BF16_EPILOGUE_*` code and residual pointer.
    static func cEpilogue(_ epilogue: FloatGEMM.Epilogue) -> (Int32, UnsafePointer<Float>?) {
        switch epilogue {
        case .none: (Int32(VITOPT_BF16_EPILOGUE_NONE), nil)
        case .gelu: (Int32(VITOPT_BF16_EPILOGUE_GELU), nil)
        case .residual(let r): (Int32(VITOPT_BF16_EPILOGUE_RESIDUAL), r)
        }
    }

    /// The process environment, for `selectedPath`.
    public static func currentEnvironment() -> [String: String] {
        guard let v = getenv(environmentKey) else { return [:] }
        return [environmentKey: String(cString: v)]
    }

    /// Columns per packed panel.
    public static let panelWidth = Int(VITOPT_BF16_NR)

    /// K rounded up to an even count (the packed weight's and the bf16 rows' width).
    public static func paddedK(_ k: Int) -> Int { (k + 1) & ~1 }

    /// Rounds one value to bf16 (the bits) as the kernels do.
    public static func round(_ x: Float) -> UInt16 { vitopt_bf16_from_f32(x) }

    /// Packs a float weight `[n, k]` (any float dtype, converted to F32 exactly) for `path`: a U16 tensor
    /// `[panels, paddedK, 64]` of bf16 bits for every path but `widened`, which gets an F32 tensor
    /// `[fp32 panels, paddedK, 32]` of the rounded values widened (pairs odd element first).
    /// - Throws: `TensorError` when the packed size does not fit the memory budget.
    public static func pack(_ weight: Tensor, name: String, path: Path = .scalar) throws -> Tensor {
        let w = weight.asF32()
        let n = w.shape[0], k = w.shape[1]
        if path == .widened {
            let panels = (n + FloatGEMM.panelWidth - 1) / FloatGEMM.panelWidth
            let out = try Tensor(zeros: .f32, shape: [panels, paddedK(k), FloatGEMM.panelWidth], for: "widened bf16 packed weight '\(name)'")
            guard vitopt_bf16_pack_widened(w.floats, Int32(n), Int32(k), Int32(k), out.mutableFloats) != 0 else {
                throw TensorError.outOfMemory(what: "widened bf16 packing of '\(name)'", bytes: n * paddedK(k) * 4, available: nil)
            }
            return out
        }
        let panels = (n + panelWidth - 1) / panelWidth
        let out = try Tensor(zeros: .u16, shape: [panels, paddedK(k), panelWidth], for: "bf16 packed weight '\(name)'")
        vitopt_bf16_pack(w.floats, Int32(n), Int32(k), Int32(k), out.mutableRawPointer.assumingMemoryBound(to: UInt16.self))
        return out
    }

    /// The shape and dtype `pack` gives an `[n, k]` weight for `path`.
    public static func packedLayout(n: Int, k: Int, path: Path) -> (dtype: DType, shape: [Int]) {
        path == .widened ? (.f32, [(n + FloatGEMM.panelWidth - 1) / FloatGEMM.panelWidth, paddedK(k), FloatGEMM.panelWidth])
            : (.u16, [(n + panelWidth - 1) / panelWidth, paddedK(k), panelWidth])
    }

    /// `c[m, n] = bf16(a[m, k])·bf16(W)ᵀ + bias`, then `epilogue`, with W packed by `pack`. A is rounded
    /// once into a scratch shared by the threads, which then split the panels.
    /// - Throws: `TensorError` when the bf16 copy of A cannot be allocated.
    public static func multiply(_ a: UnsafePointer<Float>, m: Int, k: Int, packed: Tensor, n: Int,
                                bias: UnsafePointer<Float>?, into c: UnsafeMutablePointer<Float>,
                                path: Path, epilogue: FloatGEMM.Epilogue = .none, context: ExecutionContext) throws {
        if path == .widened {
            try multiplyWidened(a, m: m, k: k, packed: packed, n: n, bias: bias, into: c, epilogue: epilogue, context: context)
            return
        }
        let kp = paddedK(k)
        let rows = try Tensor(uninitialized: .u16, shape: [max(1, m), kp], for: "bf16 activations (\(m) × \(kp))")
        let ap = rows.mutableRawPointer.assumingMemoryBound(to: UInt16.self)
        context.parallelFor(m, minChunk: max(1, (1 << 15) / max(1, k))) { r in
            vitopt_bf16_convert_rows(path.code, a, Int32(k), Int32(k), ap, Int32(kp), Int32(r.lowerBound), Int32(r.upperBound))
        }
        let shared = UnsafePointer(ap)
        let w = packed.rawPointer.assumingMemoryBound(to: UInt16.self)
        let (code, residual) = BF16GEMM.cEpilogue(epilogue)
        let panels = packed.shape[0]
        // As FloatGEMM: at least ~1M multiply-adds per thread before a second one is woken.
        let perPanel = max(1, m * kp * panelWidth)
        withExtendedLifetime(rows) {
            context.parallelFor(panels, minChunk: max(1, (1 << 20) / perPanel)) { range in
                vitopt_bf16_gemm(path.code, Int32(m), Int32(n), Int32(k), shared, Int32(kp), w, bias, code, residual, c, Int32(n),
                                 Int32(range.lowerBound), Int32(range.upperBound))
            }
        }
    }
}

extension BF16GEMM {
    /// `x` rounded to bf16 bits by `path`'s row conversion (for tests: every path gives the same bits).
    static func roundRow(_ x: [Float], path: Path) -> [UInt16] {
        var out = [UInt16](repeating: 0xFFFF, count: paddedK(x.count))
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                vitopt_bf16_convert_rows(path.code, xp.baseAddress!, Int32(x.count), Int32(x.count), op.baseAddress!,
                                         Int32(op.count), 0, 1)
            }
        }
        return out
    }
}
