import Dispatch
import Foundation

/// A parallel loop for the training engine that hands fixed chunks to at most `threads` workers as
/// they come free (a shared counter), instead of one static slice per thread: on a machine shared with
/// other work a descheduled worker no longer holds the whole step at the barrier. Chunk boundaries
/// depend only on `count` and `chunk`, and each chunk writes its own outputs, so results are the same
/// whichever worker runs a chunk (and with any thread count).
enum ChunkedLoop {
    /// Runs `body(range, worker)` over `0..<count` in chunks of `chunk` items; `worker` is in
    /// `0..<min(threads, chunks)` and no two concurrent calls share it (per-worker scratch is safe).
    static func run(_ count: Int, chunk: Int, threads: Int, _ body: (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let size = max(1, chunk)
        let chunks = (count + size - 1) / size
        let workers = min(max(1, threads), chunks)
        if workers == 1 {
            body(0..<count, 0)
            return
        }
        let next = ChunkCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let c = next.take()
                guard c < chunks else { break }
                body((c * size)..<min(count, (c + 1) * size), worker)
            }
        }
    }

    /// A chunk size giving about `perThread` chunks per thread, at least `minimum` items.
    static func chunk(_ count: Int, threads: Int, perThread: Int = 4, minimum: Int = 1) -> Int {
        max(minimum, (count + threads * perThread - 1) / max(1, threads * perThread))
    }
}

/// The next chunk index, under a lock.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
