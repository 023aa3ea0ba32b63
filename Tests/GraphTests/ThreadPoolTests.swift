import Dispatch
import Foundation
import Testing
@testable import Graph

/// `ExecutionContext.parallelFor` on the worker pool: every index runs exactly once, from many callers
/// at a time, nested, and back to back (the case the job-tagged claims exist for).
@Suite struct ThreadPoolTests {
    /// Counts how often each index ran.
    final class Hits: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int32>
        let n: Int
        init(_ n: Int) {
            self.n = n
            counts = .allocate(capacity: n)
            counts.initialize(repeating: 0, count: n)
        }
        deinit { counts.deallocate() }
        func hit(_ r: Range<Int>) { for i in r { counts[i] += 1 } }
        var allOnce: Bool { (0..<n).allSatisfy { counts[$0] == 1 } }
    }

    @Test func everyIndexRunsOnceBackToBack() {
        let ctx = ExecutionContext(threads: 4)
        for round in 0..<2000 {
            let n = 1 + round % 97
            let hits = Hits(n)
            ctx.parallelFor(n) { hits.hit($0) }
            #expect(hits.allOnce, "round \(round), \(n) items")
        }
    }

    @Test func concurrentAndNestedCallersAllComplete() {
        let outer = 8, inner = 64
        let hits = Hits(outer * inner * 16)
        DispatchQueue.concurrentPerform(iterations: outer) { o in
            let ctx = ExecutionContext(threads: 3)
            for rep in 0..<16 {
                ctx.parallelFor(inner, minChunk: 4) { r in
                    // A nested loop inside a chunk runs too (inline or on Dispatch).
                    ExecutionContext(threads: 2).parallelFor(r.count) { rr in
                        hits.hit((o * 16 + rep) * inner + r.lowerBound + rr.lowerBound ..< (o * 16 + rep) * inner + r.lowerBound + rr.upperBound)
                    }
                }
            }
        }
        #expect(hits.allOnce)
    }
}
