#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The process-wide list of live temporary files (`AtomicFileWriter`'s hidden `.NAME.tmp-*`
/// siblings), which `Interrupts` removes when SIGINT or SIGTERM ends the process.
///
/// The table is a fixed set of slots allocated once: each holds a path pre-rendered as a C string and
/// an atomic state (0 free, 1 being filled, 2 live, 3 being removed). Registering and unregistering
/// never block, and `removeAll()` only loads atomics and calls `unlink`, so it is async-signal-safe.
/// A slot is never rewritten while `removeAll()` reads it: it claims the slot (2 → 3) first.
enum TemporaryFiles {
    /// Live temporaries tracked at once; a write beyond this is simply not tracked.
    static let capacity = 256
    /// Bytes per path, with its terminating NUL (Linux's PATH_MAX).
    static let pathBytes = 4096

    nonisolated(unsafe) static let states: UnsafeMutablePointer<Atomic<Int>> = {
        let p = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
        for i in 0..<capacity { (p + i).initialize(to: Atomic(0)) }
        return p
    }()
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * pathBytes)
        p.initialize(repeating: 0, count: capacity * pathBytes)
        return p
    }()

    /// Forces the table's allocation (done before signal handlers are installed).
    static func prepare() {
        _ = states
        _ = paths
    }

    /// Records `path`; returns its slot, or nil when the table is full or the path too long.
    static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard bytes.count < pathBytes, !bytes.contains(0) else { return nil }
        for i in 0..<capacity {
            guard states[i].compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged else { continue }
            let dst = paths + i * pathBytes
            for (j, b) in bytes.enumerated() { dst[j] = CChar(bitPattern: b) }
            dst[bytes.count] = 0
            states[i].store(2, ordering: .releasing)
            return i
        }
        return nil
    }

    /// Forgets the path in `slot` (it was renamed into place or deleted).
    static func unregister(_ slot: Int?) {
        guard let i = slot, i >= 0, i < capacity else { return }
        _ = states[i].compareExchange(expected: 2, desired: 0, ordering: .acquiringAndReleasing)
    }

    /// Unlinks every live temporary. Async-signal-safe; the slots stay claimed, so the process is
    /// expected to end right after.
    static func removeAll() {
        for i in 0..<capacity where states[i].compareExchange(expected: 2, desired: 3, ordering: .acquiringAndReleasing).exchanged {
            unlink(paths + i * pathBytes)
        }
    }

    /// The live temporaries (for tests and diagnostics).
    static var live: [String] {
        (0..<capacity).filter { states[$0].load(ordering: .acquiring) == 2 }.map { String(cString: paths + $0 * pathBytes) }
    }
}
