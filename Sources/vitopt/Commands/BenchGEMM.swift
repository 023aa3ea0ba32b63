import ArgumentParser
import Foundation
import Graph
import Quantize

/// `vitopt bench gemm`: int8 GOP/s and sgemm GFLOP/s on the ViT GEMM shapes.
struct BenchGEMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Measure the int8 GEMM kernel (GOP/s), OpenBLAS sgemm and vitopt's packed fp32 and bf16 GEMMs (GFLOP/s) on the ViT shapes.")

    @Option(help: "Threads for both kernels.")
    var threads = 1

    @Option(help: "Timed repetitions per shape (the best is reported).")
    var reps = 20

    @Option(name: .customLong("shape"), parsing: .upToNextOption, help: "Extra shapes MxKxN (default: the peer script's ViT shapes).")
    var shapes: [String] = []

    @Flag(help: "Print {\"shapes\": [...]} as JSON.")
    var json = false

    func validate() throws {
        try OptionBounds.check(threads, "--threads", OptionBounds.threads)
        try OptionBounds.check(reps, "--reps", OptionBounds.runs)
        for s in shapes {
            guard let shape = GEMMBenchmark.Shape(s), [shape.m, shape.k, shape.n].allSatisfy(OptionBounds.gemmSide.contains) else {
                throw ValidationError("--shape must be MxKxN with integers in 1...\(OptionBounds.gemmSide.upperBound), got '\(s)'")
            }
            // fp32 A, B, Bᵀ, C and the packed copies: about three sets of the three operands in floats.
            let floats = shape.m * shape.k + shape.k * shape.n + shape.m * shape.n
            try MemoryBudget.check(bytes: 12 * floats, for: "GEMM operands of shape \(shape)")
        }
    }

    func run() throws {
        let path = try Int8KernelPath.selected()
        let bf16 = try BF16GEMM.selectedPath()
        if let w = Int8KernelPath.slowPathWarning { Console.warn(w) }
        let list = GEMMBenchmark.peerShapes + shapes.compactMap(GEMMBenchmark.Shape.init)
        var rows: [[String: Any]] = []
        if !json {
            print("int8 kernel \(path.rawValue), bf16 kernel \(bf16?.rawValue ?? "none"), \(threads) thread(s)")
            print("     M     K     N   int8 GOP/s  sgemm GFLOP/s  ratio  vitopt fp32 GFLOP/s  vitopt bf16 GFLOP/s")
        }
        // An untimed pass over the first shape: the first measurement otherwise pays for the pool's
        // thread start-up and the CPU leaving its idle clock (it read 20–50% low).
        if let first = list.first { _ = GEMMBenchmark.measure(first, threads: threads, reps: max(1, reps / 4), path: path, bf16: bf16) }
        for shape in list {
            let r = GEMMBenchmark.measure(shape, threads: threads, reps: reps, path: path, bf16: bf16)
            var row: [String: Any] = ["M": shape.m, "K": shape.k, "N": shape.n, "int8_gops": (r.int8GOPs * 10).rounded() / 10,
                                      "sgemm_gflops": (r.sgemmGFLOPs * 10).rounded() / 10,
                                      "vitopt_fp32_gflops": (r.packedGFLOPs * 10).rounded() / 10]
            if let b = r.bf16GFLOPs { row["vitopt_bf16_gflops"] = (b * 10).rounded() / 10 }
            rows.append(row)
            if !json {
                let bf16Column = r.bf16GFLOPs.map { String(format: "%21.1f", $0) } ?? String(repeating: " ", count: 20) + "-"
                print(String(format: "%6d %5d %5d %12.1f %14.1f %6.2f %20.1f", shape.m, shape.k, shape.n, r.int8GOPs, r.sgemmGFLOPs,
                             r.int8GOPs / r.sgemmGFLOPs, r.packedGFLOPs) + bf16Column)
            }
        }
        if json {
            var obj: [String: Any] = ["kernel": path.rawValue, "threads": threads, "shapes": rows]
            if let bf16 { obj["bf16_kernel"] = bf16.rawValue }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
