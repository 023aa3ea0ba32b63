import ArgumentParser
import Foundation
import Formats
import Graph

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Top-1/top-5 accuracy and throughput on a dataset; with --against (or --precision bf16), agreement with a second model (or with fp32).")

    @Argument(help: "Model file.")
    var model: String

    @Option(help: "A preprocessed .npy batch (N×C×H×W) or an image folder (one subfolder per class).")
    var data: String

    @Option(help: "Labels as a 1-D integer .npy (default for folders: the subfolder names).")
    var labels: String?

    @Option(help: "A second model to compare with: top-1 agreement and logit cosine.")
    var against: String?

    @Option(help: "Batch size.")
    var batch = 32

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var precision: PrecisionOptions

    func validate() throws {
        try OptionBounds.check(batch, "--batch", OptionBounds.batch)
    }

    func run() throws {
        let runnable = try modelOptions.loadRunnable(model)
        try precision.check(runnable, path: model)
        _ = try precision.resolve()
        let loaded = runnable.loaded
        let config = loaded.model.config
        guard config.numClasses > 0 else {
            throw ValidationError("\(model) has no classifier head; eval needs logits")
        }
        let other = try against.map { try modelOptions.loadRunnable($0) }
        if let o = other?.loaded, o.model.config.numClasses != config.numClasses {
            throw ValidationError("\(model) has \(config.numClasses) classes, \(o.path) has \(o.model.config.numClasses)")
        }
        let dataset = try Dataset.open(data, labels: labels, config: config)
        let bar = ProgressLine("eval")
        // bf16 without --against is compared with the same model in fp32.
        let versusFP32 = precision.precision == .bf16 && other == nil
        let result = try Evaluator.evaluate(runnable.graph, config: config, data: dataset,
                                            against: versusFP32 ? runnable.graph : other?.graph,
                                            batch: batch, threads: threads.count, registry: runnable.registry,
                                            precision: precision.precision, progress: { bar.update($0, of: $1) })
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(result), as: UTF8.self))
            return
        }
        print("\(result.samples) samples from \(data)")
        if let t1 = result.top1, let t5 = result.top5 {
            print(String(format: "  top-1 %.2f%%   top-5 %.2f%%", t1 * 100, t5 * 100))
        } else {
            print("  no labels: accuracy not computed")
        }
        print(String(format: "  %.1f images/s (%d threads, batch %d, %@)", result.imagesPerSecond, threads.count, batch,
                     precision.precision.rawValue))
        if let a = result.agreement, let c = result.meanCosine, let m = result.minCosine, let d = result.maxAbsDiff {
            print("  against \(versusFP32 ? "the same model in fp32" : against!):")
            if let o = result.otherTop1 { print(String(format: "    its top-1 %.2f%%", o * 100)) }
            print(String(format: "    top-1 agreement %.2f%%, logit cosine mean %.6f min %.6f, max abs diff %.3g", a * 100, c, m, d))
        }
    }
}
