import ArgumentParser
import Foundation
import Formats
import Graph
import Quantize

struct BenchModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Measure fp32 and int8 (and, with --precision bf16, bf16) latency of a model side by side for each batch size and thread count.")

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

    @Flag(help: "Also print the time spent in each op kind.")
    var profile = false

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var precision: PrecisionOptions

    func validate() throws {
        _ = try Self.list(batch, "--batch", OptionBounds.batch)
        _ = try Self.list(threads, "--threads", OptionBounds.threads)
        try OptionBounds.check(runs, "--runs", OptionBounds.runs)
        try OptionBounds.check(warmup, "--warmup", OptionBounds.warmupRuns)
    }

    func run() throws {
        let batches = try Self.list(batch, "--batch", OptionBounds.batch)
        let threadCounts = try Self.list(threads, "--threads", OptionBounds.threads)
        let withBF16 = precision.precision == .bf16
        if withBF16 { try precision.check(try modelOptions.loadRunnable(model), path: model) }
        let bf16Path = try precision.resolve()
        let pair = try BenchPair.make(model, options: modelOptions)
        if let w = Int8KernelPath.slowPathWarning { Console.warn(w) }
        var rows: [[String: Any]] = []
        if !json { print(withBF16 ? BenchPair.headerBF16 : BenchPair.header) }
        // Progress over every timed run of the table (fp32, [bf16,] int8 per row), on standard error.
        let bar = ProgressLine("bench", unit: "runs")
        let totalRuns = batches.count * threadCounts.count * (withBF16 ? 3 : 2) * runs
        var runsBefore = 0
        defer { bar.finish() }
        for b in batches {
            let cosine = try pair.cosine(batch: b)
            let bf16Cosine = withBF16 ? try pair.bf16Cosine(batch: b) : 0
            for t in threadCounts {
                let f = try pair.measure(int8: false, batch: b, threads: t, runs: runs, warmup: warmup, profile: profile,
                                         progress: bar, runsBefore: runsBefore, totalRuns: totalRuns)
                runsBefore += runs
                var h: LatencyBenchmark.Stats?
                if withBF16 {
                    h = try pair.measure(int8: false, precision: .bf16, batch: b, threads: t, runs: runs, warmup: warmup, profile: profile,
                                         progress: bar, runsBefore: runsBefore, totalRuns: totalRuns)
                    runsBefore += runs
                }
                let q = try pair.measure(int8: true, batch: b, threads: t, runs: runs, warmup: warmup, profile: profile,
                                         progress: bar, runsBefore: runsBefore, totalRuns: totalRuns)
                runsBefore += runs
                bar.clear()
                let row = h.map { BenchPair.row(batch: b, threads: t, fp32: f, bf16: $0, int8: q, bf16Cosine: bf16Cosine, cosine: cosine) }
                    ?? BenchPair.row(batch: b, threads: t, fp32: f, int8: q, cosine: cosine)
                rows.append(row)
                if !json { print(withBF16 ? BenchPair.lineBF16(row) : BenchPair.line(row)) }
            }
        }
        let rss = LatencyBenchmark.peakRSS()
        if json {
            let obj: [String: Any] = ["model": model, "file_size": pair.fp32Bytes, "int8_file_size": pair.int8Bytes,
                                      "kernel": pair.kernel, "bf16_kernel": bf16Path?.rawValue ?? "none", "peak_rss": rss, "rows": rows,
                                      "blas_core": BLASCore.current]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "peak RSS %.1f MB; fp32 file %.2f MB, int8 file %.2f MB (%.3f×); int8 kernel %@, OpenBLAS core %@", Double(rss) / 1e6,
                         Double(pair.fp32Bytes) / 1e6, Double(pair.int8Bytes) / 1e6,
                         Double(pair.int8Bytes) / Double(max(1, pair.fp32Bytes)), pair.kernel, BLASCore.current)
                  + (withBF16 ? "; bf16 kernel \(bf16Path?.rawValue ?? "none (fp32)")" : ""))
        }
    }

    static func list(_ s: String, _ flag: String, _ range: ClosedRange<Int>) throws -> [Int] {
        let v = s.split(separator: ",", omittingEmptySubsequences: false).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.count == s.split(separator: ",", omittingEmptySubsequences: false).count, v.allSatisfy(range.contains) else {
            throw ValidationError("\(flag) must be integers in \(range.lowerBound)...\(range.upperBound) separated by commas, got '\(s)'")
        }
        return v
    }
}
