#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory this process can still allocate, so that a request that cannot fit is refused
/// with a typed error instead of failing inside the allocator (a trap) or being granted by Linux's
/// overcommit and then killed by the OOM killer when the pages are touched.
///
/// The budget is the smallest of what is known: the address-space limit (`ulimit -v`, RLIMIT_AS)
/// minus this process's virtual size; the cgroup's `memory.max` minus its `memory.current` (v2) or
/// `memory.limit_in_bytes` minus `memory.usage_in_bytes` (v1); and `MemAvailable` of /proc/meminfo.
/// Swap is not counted: a model that only fits in swap is not usable. Requests of at least
/// `checkThreshold` bytes are checked; smaller ones go straight to the allocator (whose failure is
/// still a typed error). The check is a snapshot: memory other threads or processes take meanwhile
/// is not reserved.
public enum MemoryBudget {
    /// Requests at least this large (64 MiB) are compared with `available()` before allocating.
    public static let checkThreshold = 64 << 20

    /// What the limits allow, from readings of the system (each `nil` when absent or unlimited).
    struct Readings: Equatable {
        var addressSpaceLimit: Int?
        var addressSpaceUsed: Int?
        var cgroupLimit: Int?
        var cgroupUsed: Int?
        var memAvailable: Int?
    }

    /// Bytes this process may still allocate, or `nil` when no limit is known (non-Linux).
    public static func available() -> Int? { available(readings()) }

    /// Throws `TensorError.outOfMemory` naming `what` when `bytes` (at least `checkThreshold`) exceeds
    /// `available()`.
    public static func check(bytes: Int, for what: @autoclosure () -> String) throws {
        guard bytes >= checkThreshold, let free = available(), bytes > free else { return }
        throw TensorError.outOfMemory(what: what(), bytes: bytes, available: free)
    }

    /// The smallest headroom among `r`'s limits (never negative), or `nil` when none is known.
    static func available(_ r: Readings) -> Int? {
        var candidates: [Int] = []
        if let limit = r.addressSpaceLimit { candidates.append(limit - (r.addressSpaceUsed ?? 0)) }
        if let limit = r.cgroupLimit { candidates.append(limit - (r.cgroupUsed ?? 0)) }
        if let free = r.memAvailable { candidates.append(free) }
        return candidates.min().map { max(0, $0) }
    }

    static func readings() -> Readings {
        var r = Readings()
        #if os(Linux)
        var lim = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &lim) == 0, lim.rlim_cur != rlim_t.max,
           lim.rlim_cur <= UInt(Int.max) {
            r.addressSpaceLimit = Int(lim.rlim_cur)
            let pages = SystemFile.text("/proc/self/statm").flatMap { $0.split(separator: " ").first }.flatMap { Int($0) }
            r.addressSpaceUsed = pages.map { $0 * Int(sysconf(Int32(_SC_PAGESIZE))) }
        }
        (r.cgroupLimit, r.cgroupUsed) = cgroupMemory()
        if let info = SystemFile.text("/proc/meminfo") {
            for line in info.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                r.memAvailable = kb.map { $0 * 1024 }
            }
        }
        #endif
        return r
    }

    /// (limit, usage) of this process's memory cgroup, v2 then v1; the limit is `nil` when unlimited.
    /// Usage leaves out inactive file pages (page cache the kernel reclaims before it fails a request).
    static func cgroupMemory() -> (Int?, Int?) {
        var folder = "/sys/fs/cgroup"
        if let own = SystemFile.text("/proc/self/cgroup")?.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) {
            let path = own.dropFirst(3)
            if path != "/" { folder += path }
        }
        if SystemFile.text(folder + "/memory.max") != nil {
            let used = SystemFile.int(folder + "/memory.current").map { $0 - (SystemFile.field(folder + "/memory.stat", "inactive_file") ?? 0) }
            return (SystemFile.int(folder + "/memory.max"), used)
        }
        let v1 = "/sys/fs/cgroup/memory/"
        if let limit = SystemFile.int(v1 + "memory.limit_in_bytes"), limit < 1 << 60 {
            let used = SystemFile.int(v1 + "memory.usage_in_bytes").map { $0 - (SystemFile.field(v1 + "memory.stat", "total_inactive_file") ?? 0) }
            return (limit, used)
        }
        return (nil, nil)
    }
}
