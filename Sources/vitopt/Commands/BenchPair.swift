import Foundation
import Formats
import Graph
import Quantize

/// The two graphs `vitopt bench MODEL` compares: fp32 and int8 (quantized in memory when MODEL is
/// fp32; for an int8 file, fp32 is its dequantized twin).
struct BenchPair {
    let fp32: ModelGraph
    let int8: ModelGraph
    let fp32Bytes: Int
    let int8Bytes: Int
    let kernel: String

    static func make(_ path: String, options: ModelOptions) throws -> BenchPair {
        let r = try options.loadRunnable(path)
        let fp32 = try r.loaded.graph()
        let kernel = try Int8KernelPath.selected().rawValue
        if let q = r.onnxInt8 {
            // An imported int8 ONNX model: fp32 is its dequantized twin (integer nodes left generic stay integer).
            let twin = Int8ONNXPatterns.dequantizedTwin(q.graph)
            let fp32Bytes = twin.initializers.values.reduce(0) { $0 + ($1.dtype == .f32 ? $1.byteCount : 0) }
            return BenchPair(fp32: twin, int8: r.graph, fp32Bytes: fp32Bytes, int8Bytes: r.loaded.fileSize, kernel: kernel)
        }
        if r.int8 != nil {
            let fp32Bytes = fp32.initializers.values.reduce(0) { $0 + $1.count * 4 }
            return BenchPair(fp32: fp32, int8: r.graph, fp32Bytes: fp32Bytes, int8Bytes: r.loaded.fileSize, kernel: kernel)
        }
        let q = try DynamicQuantization.apply(fp32)
        let bytes = q.graph.initializers.filter { !$0.key.hasSuffix(".packed") }.values.reduce(0) { $0 + $1.byteCount }
        return BenchPair(fp32: fp32, int8: q.graph, fp32Bytes: r.loaded.fileSize, int8Bytes: bytes, kernel: kernel)
    }

    /// Latency of the int8 graph, or of the fp32 graph with its Linear layers in `precision`.
    /// - Parameter progress: the bench's progress line, shown as `runsBefore` + the timed runs done
    ///   here, of `totalRuns`.
    func measure(int8 useInt8: Bool, precision: Precision = .fp32, batch: Int, threads: Int, runs: Int, warmup: Int, profile: Bool = false,
                 progress: ProgressLine? = nil, runsBefore: Int = 0, totalRuns: Int = 0) throws -> LatencyBenchmark.Stats {
        let exec = try Executor(graph: useInt8 ? int8 : fp32, registry: .int8, threads: threads, precision: useInt8 ? .fp32 : precision)
        exec.profiling = profile
        let label = useInt8 ? "int8" : precision.rawValue
        let stats = try LatencyBenchmark.measure(exec, batch: batch, runs: runs, warmup: warmup) { done in
            progress?.update(runsBefore + done, of: totalRuns)
        }
        if profile {
            progress?.clear()
            let total = exec.profile.values.reduce(0, +)
            Console.note("\(label) batch \(batch) threads \(threads), time per op kind (warm-up included):")
            for (op, sec) in exec.profile.sorted(by: { $0.value > $1.value }) {
                Console.note("    " + op.padding(toLength: 18, withPad: " ", startingAt: 0)
                             + String(format: "%6.1f%%  %8.1f ms/run", sec / total * 100, sec * 1000 / Double(runs + warmup)))
            }
        }
        return stats
    }

    /// Mean row cosine of the two models' outputs on the benchmark's random batch.
    func cosine(batch: Int) throws -> Double {
        let info = fp32.inputs[0]
        let x = try LatencyBenchmark.randomBatch(for: info, batch: batch)
        let a = try Executor(graph: fp32, registry: .int8, threads: 2).run([info.name: x])[fp32.outputs[0]]!
        let b = try Executor(graph: int8, registry: .int8, threads: 2).run([info.name: x])[int8.outputs[0]]!
        return QuantizationReport.compare(a, b).mean
    }

    /// Mean row cosine of the fp32 model's outputs in bf16 against fp32, on the benchmark's random batch.
    func bf16Cosine(batch: Int) throws -> Double {
        let info = fp32.inputs[0]
        let x = try LatencyBenchmark.randomBatch(for: info, batch: batch)
        let a = try Executor(graph: fp32, registry: .int8, threads: 2).run([info.name: x])[fp32.outputs[0]]!
        let b = try Executor(graph: fp32, registry: .int8, threads: 2, precision: .bf16).run([info.name: x])[fp32.outputs[0]]!
        return QuantizationReport.compare(a, b).mean
    }

    static let headerBF16 = "batch threads | fp32 median ms   p90 | bf16 median ms   p90 | int8 median ms   p90 | bf16 speedup  cosine | int8 speedup  cosine"

    /// `row` with the bf16 columns added.
    static func row(batch: Int, threads: Int, fp32 f: LatencyBenchmark.Stats, bf16 h: LatencyBenchmark.Stats, int8 q: LatencyBenchmark.Stats,
                    bf16Cosine: Double, cosine: Double) -> [String: Any] {
        var r = row(batch: batch, threads: threads, fp32: f, int8: q, cosine: cosine)
        r["bf16_median_ms"] = h.medianMs
        r["bf16_p90_ms"] = h.p90Ms
        r["bf16_images_per_s"] = h.imagesPerSecond
        r["bf16_speedup"] = f.medianMs / h.medianMs
        r["bf16_cosine"] = bf16Cosine
        return r
    }

    static func lineBF16(_ r: [String: Any]) -> String {
        func d(_ k: String) -> Double { r[k] as? Double ?? .nan }
        return String(format: "%5d %7d | %14.2f %5.1f | %14.2f %5.1f | %14.2f %5.1f | %11.2f× %8.6f | %11.2f× %8.6f",
                      r["batch"] as? Int ?? 0, r["threads"] as? Int ?? 0, d("fp32_median_ms"), d("fp32_p90_ms"), d("bf16_median_ms"),
                      d("bf16_p90_ms"), d("int8_median_ms"), d("int8_p90_ms"), d("bf16_speedup"), d("bf16_cosine"), d("speedup"), d("cosine"))
    }

    static let header = "batch threads | fp32 median ms   p90 | int8 median ms   p90 | images/s fp32    int8 | speedup  cosine"

    static func row(batch: Int, threads: Int, fp32 f: LatencyBenchmark.Stats, int8 q: LatencyBenchmark.Stats, cosine: Double) -> [String: Any] {
        ["batch": batch, "threads": threads, "fp32_median_ms": f.medianMs, "fp32_p90_ms": f.p90Ms, "fp32_images_per_s": f.imagesPerSecond,
         "int8_median_ms": q.medianMs, "int8_p90_ms": q.p90Ms, "int8_images_per_s": q.imagesPerSecond,
         "speedup": f.medianMs / q.medianMs, "cosine": cosine]
    }

    static func line(_ r: [String: Any]) -> String {
        func d(_ k: String) -> Double { r[k] as! Double }
        return String(format: "%5d %7d | %14.2f %5.1f | %14.2f %5.1f | %13.1f %7.1f | %6.2f× %8.6f", r["batch"] as! Int, r["threads"] as! Int,
                      d("fp32_median_ms"), d("fp32_p90_ms"), d("int8_median_ms"), d("int8_p90_ms"), d("fp32_images_per_s"),
                      d("int8_images_per_s"), d("speedup"), d("cosine"))
    }
}
