import Foundation
internal import CInt8GEMM

/// The int8 GEMM implementations, chosen at run time by CPU detection.
///
/// `VITOPT_INT8_KERNEL=scalar|avx2|avx512vnni|amx` forces one (for testing and benchmarking); forcing a
/// path the CPU lacks is an error reported by `selected()`, never a crash.
public enum Int8KernelPath: String, CaseIterable, Sendable {
    case scalar
    case avx2
    case avx512vnni
    /// AMX-INT8 tiles (`tdpbusd`); supported only when the CPU has AMX-TILE and AMX-INT8, the OS saves
    /// tile state and Linux granted the process tile data (`arch_prctl`).
    case amx

    /// The environment variable that forces a path.
    public static let environmentKey = "VITOPT_INT8_KERNEL"

    var code: Int32 {
        switch self {
        case .scalar: return Int32(VITOPT_I8_SCALAR)
        case .avx2: return Int32(VITOPT_I8_AVX2)
        case .avx512vnni: return Int32(VITOPT_I8_AVX512VNNI)
        case .amx: return Int32(VITOPT_I8_AMX)
        }
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { vitopt_i8_cpu_supports(code) != 0 }

    /// Paths this CPU can run, fastest last.
    public static var available: [Int8KernelPath] { allCases.filter(\.isSupported) }

    /// The fastest supported path.
    public static var best: Int8KernelPath { available.last ?? .scalar }

    /// A warning when this CPU has no SIMD int8 kernel (ARM, x86 without AVX2): the int8 layers then
    /// run the scalar reference, far slower than fp32 on OpenBLAS. `nil` when a SIMD path exists.
    public static var slowPathWarning: String? {
        best == .scalar
            ? "this CPU has neither AVX2 nor AVX-512 VNNI and vitopt has no NEON int8 kernel yet: int8 layers run the scalar reference kernel, expect int8 to be slower than fp32"
            : nil
    }

    /// The path forced by `VITOPT_INT8_KERNEL`, else the fastest supported one.
    /// - Throws: `QuantizeError.kernel` for an unknown or unsupported forced path.
    public static func selected(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int8KernelPath {
        guard let raw = environment[environmentKey], !raw.isEmpty else { return best }
        guard let path = Int8KernelPath(rawValue: raw.lowercased()) else {
            throw QuantizeError.kernel("\(environmentKey)=\(raw) is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard path.isSupported else {
            let why = path == .amx ? ", \(amxStatus)" : ""
            throw QuantizeError.kernel("\(environmentKey)=\(raw): this CPU cannot run that path\(why) (available: \(available.map(\.rawValue).joined(separator: ", ")))")
        }
        return path
    }

    /// Why the AMX path is or is not offered on this machine.
    static var amxStatus: String {
        switch Int(vitopt_i8_amx_status()) {
        case Int(VITOPT_I8_AMX_READY): return "AMX ready"
        case Int(VITOPT_I8_AMX_NO_PERMISSION): return "Linux refused the AMX tile-data permission (arch_prctl ARCH_REQ_XCOMP_PERM)"
        case Int(VITOPT_I8_AMX_SELF_CHECK_FAILED): return "the AMX kernel failed its self-check against the scalar kernel on this CPU's tiles"
        default: return "no AMX-INT8 (CPUID) or the OS does not enable tile state"
        }
    }
}
