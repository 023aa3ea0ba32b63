import Dispatch
internal import CThreadPool

/// Per-run settings shared by kernels: the thread budget and a parallel loop over it.
public struct ExecutionContext: Sendable {
    /// Threads vitopt's own loops (and OpenBLAS) may use; at least 1.
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Runs `body` over `0..<count` split into at most `threads` contiguous chunks of at least
    /// `minChunk` items. Chunks run concurrently; `body` must only write disjoint memory. The chunks
    /// go to vitopt's worker pool (`CThreadPool`: workers spin briefly between jobs, so back-to-back
    /// kernels do not each pay a thread wake-up), or to Dispatch when the pool is busy or nested.
    public func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threads, max(1, count / max(1, minChunk)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let per = (count + chunks - 1) / chunks
        let pooled = withoutActuallyEscaping(body) { escaping -> Bool in
            let job = PoolJob(body: escaping, per: per, count: count)
            return withExtendedLifetime(job) {
                vitopt_pool_run(Int32(chunks), poolTrampoline, Unmanaged.passUnretained(job).toOpaque()) != 0
            }
        }
        if pooled { return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * per
            let hi = min(count, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// One `parallelFor` handed to the C pool: chunk `c` is `c·per ..< min(count, (c+1)·per)`.
private final class PoolJob {
    let body: (Range<Int>) -> Void
    let per: Int, count: Int
    init(body: @escaping (Range<Int>) -> Void, per: Int, count: Int) {
        self.body = body
        self.per = per
        self.count = count
    }
}

private let poolTrampoline: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { ctx, c in
    let job = Unmanaged<PoolJob>.fromOpaque(ctx!).takeUnretainedValue()
    let lo = Int(c) * job.per, hi = min(job.count, lo + job.per)
    if lo < hi { job.body(lo..<hi) }
}
