import ArgumentParser
import Foundation
import Formats
import Graph
import Quantize

/// `vitopt quantize IN OUT`: dynamic int8 quantization, or static with `--calibrate DATA`, with an optional accuracy report.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a model's Linear layers to int8 (dynamic: activations quantized at run time; static with --calibrate).")

    @Argument(help: "fp32 model file.")
    var input: String

    @Argument(help: "Output int8 model: .safetensors, or .onnx (standard integer operators ONNX Runtime runs).")
    var output: String

    @Option(help: "Activation quantization: per-token (default), per-tensor (as ONNX Runtime / PyTorch dynamic), or static (needs --calibrate; the default with it).")
    var activations: String?

    @Option(help: "Static int8: calibration samples (a preprocessed .npy batch or an image folder); each Linear input gets one scale and zero point from the min/max seen.")
    var calibrate: String?

    @Option(name: .customLong("calibration-samples"), help: "How many of the --calibrate samples to use (the first N).")
    var calibrationSamples = 256

    @Option(parsing: .singleValue, help: "Keep Linear layers whose node or weight name matches fp32: a glob, or re:REGEX. Repeatable.")
    var exclude: [String] = []

    @Flag(help: "Print per-layer weight/output SQNR and the model's logit cosine and max abs error.")
    var report = false

    @Option(help: "Samples for the report: a preprocessed .npy batch or an image folder (implies --report).")
    var eval: String?

    @Option(help: "Labels for --eval (1-D integer .npy) for top-1 accuracy and agreement.")
    var labels: String?

    @Flag(name: .customLong("no-fuse"), help: "Do not fuse activation quantization into LayerNorm/GELU.")
    var noFuse = false

    @Flag(help: "Print the result (and the --report / --eval figures, with the per-layer SQNR table) as one JSON object.")
    var json = false

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard let scheme = ActivationScheme(rawValue: self.scheme) else {
            throw ValidationError("--activations must be per-token, per-tensor or static, got '\(activations ?? "")'")
        }
        if scheme == .calibrated && calibrate == nil { throw ValidationError("--activations static needs --calibrate DATA") }
        if scheme != .calibrated && calibrate != nil { throw ValidationError("--calibrate makes static int8; it cannot be combined with --activations \(scheme.rawValue)") }
        guard (1...100_000).contains(calibrationSamples) else { throw ValidationError("--calibration-samples must be in 1...100000, got \(calibrationSamples)") }
        if labels != nil && eval == nil { throw ValidationError("--labels needs --eval") }
    }

    /// The activation scheme asked for (`static` when only --calibrate is given).
    private var scheme: String { activations ?? (calibrate != nil ? ActivationScheme.calibrated.rawValue : ActivationScheme.perToken.rawValue) }

    func run() throws {
        // Every input is checked before anything is written: the output must not replace one of them,
        // and the --eval data must load for this model.
        var inputs = OutputGuard()
        inputs.protectModel(input)
        if let e = eval { inputs.protect(e, as: "the --eval data") }
        if let l = labels { inputs.protect(l, as: "the --labels file") }
        if let c = calibrate { inputs.protect(c, as: "the --calibrate data") }
        var outputs = inputs
        try outputs.claim(output)
        if Int8ModelFile.isQuantized(input) { throw QuantizeError.alreadyQuantized(path: input) }
        let file = try modelOptions.load(input)
        if Int8ONNXPatterns.applies(to: try file.graph()) { throw QuantizeError.alreadyQuantized(path: input) }
        let toONNX = Int8ONNXFile.isONNXPath(output)
        // An int8 safetensors file needs checkpoint tensor names: an imported ONNX graph is quantized from its description.
        let loaded = toONNX ? file : try Int8ModelFile.source(for: file)
        let dataset = try eval.map { try Dataset.open($0, labels: labels, config: loaded.model.config) }
        let sample = try dataset.map { try $0.batch(0..<min($0.count, 32), config: loaded.model.config) }
        let fp32 = try loaded.graph()
        var options = DynamicQuantization.Options()
        options.activations = ActivationScheme(rawValue: scheme)!
        options.exclude = try exclude.map(ExcludePattern.init)
        if let c = calibrate {
            let data = try Dataset.open(c, labels: nil, config: loaded.model.config, inferLabels: false)
            let bar = ProgressLine("calibrate")
            options.calibration = try StaticCalibration.measure(fp32, data: data, config: loaded.model.config, samples: calibrationSamples,
                                                                threads: threads.count, progress: { bar.update($0, of: $1) })
            options.calibrationMethod = "\(StaticCalibration.method) over \(min(calibrationSamples, data.count)) samples of \((c as NSString).lastPathComponent)"
        }
        options.fuse = !noFuse && !toONNX
        let result = try DynamicQuantization.apply(fp32, options: options)
        let bytes = toONNX ? try Int8ONNXFile.save(result, from: loaded, to: output, inputs: inputs).bytes
            : try Int8ModelFile.save(result, from: loaded, to: output, inputs: inputs)
        var object: [String: Any] = [
            "input": input, "output": output, "bytes": bytes, "fp32_bytes": loaded.fileSize, "activations": scheme,
            "int8_layers": result.layers.count, "fused_producers": result.fused.count,
            "kept_fp32": result.kept.map { ["node": $0.node, "reason": $0.reason] },
        ]
        if let m = options.calibrationMethod { object["calibration"] = m }
        if !json {
            print("quantized \(result.layers.count) Linear layer(s) to int8 (activations \(scheme)); fused \(result.fused.count) producer(s)")
            if let m = options.calibrationMethod { print("calibrated input ranges: \(m)") }
            if !result.kept.isEmpty {
                print("kept fp32: " + result.kept.map { "\($0.node) (\($0.reason))" }.joined(separator: ", "))
            }
            print(String(format: "wrote %@: %.2f MB, %.3f× the fp32 file (%.2f MB)", output, Double(bytes) / 1e6,
                         Double(bytes) / Double(max(1, loaded.fileSize)), Double(loaded.fileSize) / 1e6))
        }
        if report || eval != nil {
            try printReport(loaded: loaded, fp32: fp32, result: result, dataset: dataset, evalSample: sample, into: &object)
            if options.activations == .calibrated, let d = dataset {
                try printComparison(StaticComparison.measure(fp32: fp32, staticResult: result, exclude: options.exclude, data: d,
                                                             config: loaded.model.config, threads: threads.count), into: &object)
            }
        }
        if json { try JSONReport.print(object) }
    }

    /// Prints the accuracy report (or, with `--json`, adds it to `object`).
    private func printReport(loaded: LoadedModel, fp32: ModelGraph, result: DynamicQuantization.Result,
                             dataset: Dataset?, evalSample: Tensor?, into object: inout [String: Any]) throws {
        let config = loaded.model.config
        let sample: Tensor
        if let s = evalSample {
            sample = s
        } else {
            var rng = SeededGenerator(seed: 7)
            let shape = [8, config.channels, config.imageSize[0], config.imageSize[1]]
            sample = Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in rng.normal() })
        }
        let r = try QuantizationReport.measure(fp32: fp32, int8: result, input: sample, threads: threads.count)
        object["report"] = [
            "inputs": dataset == nil ? "random" : "samples", "samples": sample.shape[0],
            "layers": r.layers.map { ["node": $0.node, "weight_sqnr_db": $0.weightSQNR, "output_sqnr_db": $0.outputSQNR] },
            "logit_cosine_mean": r.logitCosine, "logit_cosine_min": r.minLogitCosine, "max_abs_error": r.maxAbsError,
        ] as [String: Any]
        if !json { printTable(r, samples: sample.shape[0], random: dataset == nil) }
        guard let d = dataset, config.numClasses > 0 else { return }
        let bar = ProgressLine("eval int8 vs fp32")
        let e = try Evaluator.evaluate(result.graph, config: config, data: d, against: fp32, threads: threads.count, registry: .int8,
                                       progress: { bar.update($0, of: $1) })
        var evalFields: [String: Any] = ["data": eval!, "samples": e.samples]
        evalFields["top1_fp32"] = e.otherTop1
        evalFields["top1_int8"] = e.top1
        evalFields["agreement"] = e.agreement
        evalFields["logit_cosine_mean"] = e.meanCosine
        evalFields["logit_cosine_min"] = e.minCosine
        evalFields["max_abs_error"] = e.maxAbsDiff
        object["eval"] = evalFields
        if json { return }
        print("on \(e.samples) samples from \(eval!):")
        if let t8 = e.top1, let t32 = e.otherTop1 {
            print(String(format: "  top-1 fp32 %.2f%%, int8 %.2f%% (%+.2f points)", t32 * 100, t8 * 100, (t8 - t32) * 100))
        }
        if let a = e.agreement, let c = e.meanCosine, let m = e.minCosine, let x = e.maxAbsDiff {
            print(String(format: "  top-1 agreement %.2f%%, logit cosine mean %.6f min %.6f, max abs error %.4g", a * 100, c, m, x))
        }
    }

    /// Static against dynamic int8 on the --eval data (or, with `--json`, adds it to `object`).
    private func printComparison(_ rows: [StaticComparison.Row], into object: inout [String: Any]) {
        object["static_vs_dynamic"] = rows.map { r -> [String: Any] in
            var o: [String: Any] = ["scheme": r.scheme, "samples": r.result.samples]
            o["top1"] = r.result.top1
            o["agreement"] = r.result.agreement
            o["logit_cosine_mean"] = r.result.meanCosine
            o["logit_cosine_min"] = r.result.minCosine
            o["max_abs_error"] = r.result.maxAbsDiff
            return o
        }
        if json { return }
        print("\nint8 scheme           top-1    agreement  cosine mean  cosine min  max abs error   (vs fp32, \(rows.first?.result.samples ?? 0) samples)")
        for r in rows {
            let e = r.result
            let top1 = e.top1.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            print(r.scheme.padding(toLength: 20, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(1, 8 - top1.count)) + top1
                  + String(format: " %10.2f%% %12.6f %11.6f %14.4g", (e.agreement ?? 0) * 100, e.meanCosine ?? 0, e.minCosine ?? 0,
                           e.maxAbsDiff ?? 0))
        }
    }

    private func printTable(_ r: QuantizationReport, samples: Int, random: Bool) {
        print("\nlayer                              weight SQNR dB   output SQNR dB")
        for l in r.layers {
            print(l.node.padding(toLength: max(34, l.node.count), withPad: " ", startingAt: 0)
                  + String(format: " %14.2f %16.2f", l.weightSQNR, l.outputSQNR))
        }
        print(String(format: "model output on %d %@: logit cosine mean %.6f min %.6f, max abs error %.4g", samples,
                     random ? "random inputs" : "samples", r.logitCosine, r.minLogitCosine, r.maxAbsError))
    }
}
