import Dispatch

/// Per-run settings shared by kernels: the thread budget and a parallel loop over it.
public struct ExecutionContext: Sendable {
    /// Threads vitopt's own loops (and OpenBLAS) may use; at least 1.
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Runs `body` over `0..<count` split into at most `threads` contiguous chunks of at least
    /// `minChunk` items. Chunks run concurrently; `body` must only write disjoint memory.
    public func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threads, max(1, count / max(1, minChunk)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let per = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * per
            let hi = min(count, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }
}
