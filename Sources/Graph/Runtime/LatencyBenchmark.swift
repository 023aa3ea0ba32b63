import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock latency of a graph on random inputs: warm-up runs, then timed runs.
public enum LatencyBenchmark {
    public struct Stats: Sendable {
        public var medianMs: Double
        public var p90Ms: Double
        public var minMs: Double
        public var imagesPerSecond: Double
    }

    /// Times `runs` executions of `executor` on a fixed random batch of `batch` images.
    public static func measure(_ executor: Executor, batch: Int, runs: Int, warmup: Int = 2,
                               progress: ((Int) -> Void)? = nil) throws -> Stats {
        guard let info = executor.graph.inputs.first else { throw GraphError.unsupported("the graph has no input to benchmark") }
        let x = try randomBatch(for: info, batch: batch)
        for _ in 0..<warmup { _ = try executor.run([info.name: x]) }
        var times: [Double] = []
        for i in 0..<max(1, runs) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try executor.run([info.name: x])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            progress?(i + 1)
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let p90 = times[min(times.count - 1, Int((Double(times.count) * 0.9).rounded(.up)) - 1)]
        return Stats(medianMs: median, p90Ms: p90, minMs: times[0], imagesPerSecond: Double(batch) * 1000 / median)
    }

    /// A batch of `batch` inputs shaped as `info` (symbolic dimensions past the first set to 1) with
    /// standard normal values from seed 7: the same tensor for the same arguments.
    /// - Throws: `TensorError` when the shape has no size or does not fit in memory.
    public static func randomBatch(for info: ValueInfo, batch: Int) throws -> Tensor {
        let shape = [batch] + info.shape.dropFirst().map { $0.value ?? 1 }
        var rng = SeededGenerator(seed: 7)
        let x = try Tensor(uninitialized: .f32, shape: shape, for: "random input batch \(shape) of '\(info.name)'")
        let p = x.mutableFloats
        for i in 0..<x.count { p[i] = rng.normal() }
        return x
    }

    /// Peak resident set size of this process so far, in bytes.
    public static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
