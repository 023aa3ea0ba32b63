#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT and SIGTERM for vitopt: no interrupted write leaves a temporary behind, a commit in
/// progress finishes first, and a training loop may turn the first signal into a request.
///
/// `install()` sets a handler (async-signal-safe: atomics, `unlink`, `signal`, `raise`) that
/// - during a commit's renames (`critical`), only records the signal; it takes effect when the
///   renames are done, so the output set is either the old one or the new one;
/// - inside `deferringToRequest` (training), records the first signal as a request the loop polls
///   (`takeRequest()`); a second one ends the process at once;
/// - otherwise deletes every registered temporary (`TemporaryFiles`), restores the default action
///   and re-raises the signal, so the exit status says "killed by SIGINT/SIGTERM" as usual.
public enum Interrupts {
    static let commitDepth = Atomic<Int>(0)
    static let dying = Atomic<Int>(0)
    static let pending = Atomic<Int32>(0)
    static let requestDepth = Atomic<Int>(0)
    static let requested = Atomic<Int32>(0)
    static let installed = Atomic<Bool>(false)

    /// Installs the SIGINT and SIGTERM handlers (once; later calls do nothing), on the calling
    /// thread's unblocked mask; a signal ignored at start stays ignored.
    public static func install() {
        TemporaryFiles.prepare()
        _ = commitDepth.load(ordering: .relaxed); _ = dying.load(ordering: .relaxed); _ = pending.load(ordering: .relaxed)
        _ = requestDepth.load(ordering: .relaxed); _ = requested.load(ordering: .relaxed)
        guard installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        for sig in [SIGINT, SIGTERM] {
            // A signal the parent ignores stays ignored (as for background jobs of a shell script).
            var current = sigaction()
            sigaction(sig, nil, &current)
            let handler = withUnsafeBytes(of: &current.__sigaction_handler) { $0.load(as: Int.self) }
            if handler == 1 { continue }   // SIG_IGN is the handler value 1 on Linux
            // A blocked mask is inherited across exec (spawning threads often block signals): unblock.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, sig)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { Interrupts.handle($0) }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }

    /// The handler proper.
    static func handle(_ sig: Int32) {
        if commitDepth.load(ordering: .sequentiallyConsistent) > 0 {
            pending.store(sig, ordering: .sequentiallyConsistent)
            return
        }
        if requestDepth.load(ordering: .sequentiallyConsistent) > 0,
           requested.compareExchange(expected: 0, desired: sig, ordering: .sequentiallyConsistent).exchanged {
            return
        }
        // Announce the exit, then look again: a commit that started meanwhile waits for us or we for it.
        dying.store(1, ordering: .sequentiallyConsistent)
        if commitDepth.load(ordering: .sequentiallyConsistent) > 0 {
            pending.store(sig, ordering: .sequentiallyConsistent)
            dying.store(0, ordering: .sequentiallyConsistent)
            return
        }
        terminate(sig)
    }

    /// Deletes the registered temporaries and ends the process with `sig`'s default action.
    public static func terminate(_ sig: Int32) -> Never {
        TemporaryFiles.removeAll()
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        _exit(128 + sig)
    }

    /// Runs `body` (a commit's renames) with SIGINT/SIGTERM held back: a signal arriving meanwhile
    /// takes effect when `body` returns.
    static func critical<T>(_ body: () throws -> T) rethrows -> T {
        commitDepth.add(1, ordering: .sequentiallyConsistent)
        while dying.load(ordering: .sequentiallyConsistent) != 0 { usleep(1000) }
        defer {
            if commitDepth.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 {
                let sig = pending.exchange(0, ordering: .sequentiallyConsistent)
                if sig != 0 {
                    if requestDepth.load(ordering: .sequentiallyConsistent) > 0,
                       requested.compareExchange(expected: 0, desired: sig, ordering: .sequentiallyConsistent).exchanged {
                        // a training loop's first interrupt: it stops at the next step boundary
                    } else {
                        terminate(sig)
                    }
                }
            }
        }
        return try body()
    }

    /// Runs `body` (a training loop) with the first SIGINT/SIGTERM turned into a request that
    /// `takeRequest()` returns; a second signal ends the process at once (temporaries removed).
    public static func deferringToRequest<T>(_ body: () throws -> T) rethrows -> T {
        requestDepth.add(1, ordering: .sequentiallyConsistent)
        defer { requestDepth.subtract(1, ordering: .sequentiallyConsistent) }
        return try body()
    }

    /// The signal that asked the loop to stop, if any (it stays recorded: a second signal still
    /// ends the process at once).
    public static var request: Int32? {
        let s = requested.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }
}
