import ArgumentParser
import Foundation
import Formats
import Graph

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure fp32 latency of a model for each batch size and thread count.")

    @Argument(help: "Model file.")
    var model: String

    @Option(help: "Comma-separated batch sizes.")
    var batch = "1"

    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"

    @Option(help: "Timed runs per row.")
    var runs = 10

    @Option(help: "Untimed warm-up runs per row.")
    var warmup = 2

    @Flag(help: "Print {\"rows\": [...]} as JSON.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let batches = try Self.list(batch, "--batch"), threadCounts = try Self.list(threads, "--threads")
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be at least 1 and --warmup at least 0") }
        let loaded = try modelOptions.load(model)
        let graph = try loaded.graph()
        var rows: [[String: Any]] = []
        if !json { print("batch threads  fp32 median ms   p90 ms   images/s") }
        for b in batches {
            for t in threadCounts {
                let exec = try Executor(graph: graph, registry: loaded.registry, threads: t)
                let stats = try LatencyBenchmark.measure(exec, batch: b, runs: runs, warmup: warmup) { done in
                    if Console.isTerminal { Console.progress("batch \(b) threads \(t): run \(done)/\(runs)") }
                }
                if Console.isTerminal { Console.progress("") }
                rows.append(["batch": b, "threads": t, "fp32_median_ms": stats.medianMs, "fp32_p90_ms": stats.p90Ms,
                             "fp32_images_per_s": stats.imagesPerSecond])
                if !json {
                    print(String(format: "%5d %7d %16.2f %8.2f %10.1f", b, t, stats.medianMs, stats.p90Ms, stats.imagesPerSecond))
                }
            }
        }
        let rss = LatencyBenchmark.peakRSS()
        if json {
            let obj: [String: Any] = ["model": model, "file_size": loaded.fileSize, "peak_rss": rss, "rows": rows]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "peak RSS %.1f MB, file %.1f MB", Double(rss) / 1e6, Double(loaded.fileSize) / 1e6))
        }
    }

    static func list(_ s: String, _ flag: String) throws -> [Int] {
        let v = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ ($0 ?? 0) >= 1 }) else { throw ValidationError("\(flag) must be positive integers separated by commas, got '\(s)'") }
        return v.map { $0! }
    }
}
