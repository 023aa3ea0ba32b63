import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Which OpenBLAS kernel set ("core") is in use, and which one this CPU can run.
///
/// OpenBLAS's `DYNAMIC_ARCH` builds pick their kernels from the CPU model number. On virtual machines
/// that hide the model (a generic "Intel Xeon Processor"), it falls back to `Prescott` SSE3 kernels,
/// four to five times slower than the AVX-512 ones the CPU supports. The choice is made when the
/// library loads, from `OPENBLAS_CORETYPE`; `recommendedCoreType()` reads the CPU's feature flags so
/// the command-line tool can set that variable and restart itself before any work is done.
public enum BLASCore {
    /// The OpenBLAS core in use, e.g. `SkylakeX`, `Haswell`, `Prescott`.
    public static var current: String { String(cString: openblas_get_corename()) }

    /// Kernel sets that use at least AVX2 and FMA; anything else is a fallback on a modern x86 CPU.
    static let vectorCores: Set<String> = ["Haswell", "SkylakeX", "Cooperlake", "SapphireRapids", "Zen", "Excavator",
                                           "Steamroller", "Sandybridge"]

    /// The best core type for this CPU's feature flags (Linux x86-64), or `nil` when OpenBLAS's own choice stands.
    public static func recommendedCoreType() -> String? {
        #if os(Linux) && arch(x86_64)
        guard let flags = cpuFlags() else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        #endif
        return nil
    }

    /// Whether OpenBLAS runs weaker kernels than `recommendedCoreType()`.
    public static var isUsingFallbackCore: Bool {
        guard recommendedCoreType() != nil else { return false }
        return !vectorCores.contains(current)
    }

    /// The `flags` line of /proc/cpuinfo.
    static func cpuFlags() -> Set<String>? {
        guard let f = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0 {
            let s = String(cString: line!)
            if s.hasPrefix("flags") {
                let list = s.split(separator: ":", maxSplits: 1).last ?? ""
                return Set(list.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
            }
        }
        return nil
    }
}
