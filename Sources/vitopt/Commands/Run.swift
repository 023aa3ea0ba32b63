import ArgumentParser
import Formats
import Graph

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on an image, a folder of images or a .npy batch (N×C×H×W, preprocessed); print the top classes or write the outputs as .npy.")

    @Argument(help: "Model file.")
    var model: String

    @Option(help: "Input: a PNG/JPEG image, a folder of images (class subfolders allowed), or a .npy batch.")
    var input: String

    @Option(help: "Where to write the output (float32 .npy): logits, or the final hidden states for a model without a head (see --output-name).")
    var output: String?

    @Option(name: .customLong("output-name"), help: "Which of the model's outputs to write: logits, last_hidden_state, pooler_output or image_embeds, as the model has them (default: the first).")
    var outputName: String?

    @Option(help: "Print the K most likely classes of each image.")
    var top: Int?

    @Option(help: "A reference output (.npy, e.g. written by PyTorch) to compare the written output with; the command fails when they differ by more than --tolerance.")
    var expect: String?

    @Option(help: "With --expect: the largest difference allowed, relative to max(1, max |reference|).")
    var tolerance: Float = 1e-5

    @Option(help: "How --top prints: table, json or csv.")
    var format: PredictionFormat = .table

    /// Images run through the model at a time (a folder is read in batches).
    static let batchSize = 16

    @Option(name: .customLong("image-size"), help: "Run at another input size (N or HxW), resampling the position embedding on the fly (see resize-pos).")
    var imageSize: String?

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var resample: ResampleOptions
    @OptionGroup var precision: PrecisionOptions

    func validate() throws {
        try OptionBounds.check(top, "--top", OptionBounds.top)
        if let s = imageSize { _ = try ModelOptions.size(s, flag: "--image-size") }
        guard tolerance.isFinite, tolerance >= 0 else { throw ValidationError("--tolerance must be a finite number >= 0, got \(tolerance)") }
    }

    func run() throws {
        var inputs = OutputGuard()
        inputs.protectModel(model)
        inputs.protect(input, as: "the --input file")
        if let e = expect { inputs.protect(e, as: "the --expect file") }
        var claimed = inputs
        if let out = output { try claimed.claim(out, as: "the --output file") }
        let runnable = try modelOptions.loadRunnable(model)
        try precision.check(runnable, path: model)
        _ = try precision.resolve()
        let loaded = runnable.loaded
        var graph = runnable.graph
        var config = loaded.model.config
        if imageSize != nil || resample.patchSize != nil {
            guard runnable.int8 == nil else {
                throw ValidationError("\(model) is an int8 model; resample the fp32 model (vitopt resize-pos) and quantize the result")
            }
            if let swin = loaded.swin, let size = try imageSize.map({ try ModelOptions.size($0, flag: "--image-size") }), resample.patchSize == nil {
                let resized = try swin.resized(imageSize: size)
                graph = try SwinGraphBuilder.build(resized, name: graph.name)
                config.imageSize = size
                config.preprocessing = resized.config.preprocessing
            } else {
            let (resized, summary, preset) = try resample.resize(loaded, imageSize: try imageSize.map { try ModelOptions.size($0, flag: "--image-size") })
            for line in summary.lines(preset: preset) { Console.note(line) }
            graph = try ViTGraphBuilder.build(resized, name: graph.name)
            config = resized.config
            }
        }
        if top != nil, config.numClasses == 0 { throw ValidationError("--top needs a model with a classifier head") }
        let data = try Dataset.open(input, labels: nil, config: config, inferLabels: false)
        let exec = try Executor(graph: graph, registry: runnable.registry, threads: threads.count, precision: precision.precision)
        let available = exec.graph.outputs
        let name = outputName ?? available[0]
        guard available.contains(name) else {
            throw ValidationError("\(model) has no output '\(name)'; it has \(available.joined(separator: ", "))")
        }
        if outputName == nil && available.count > 1 {
            Console.note("outputs: \(available.joined(separator: ", ")); writing \(name) (choose with --output-name)")
        }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: data.count, by: Self.batchSize) {
            let x = try data.batch(start..<min(data.count, start + Self.batchSize), config: config)
            parts.append(try exec.run([ViTGraphBuilder.inputName: x])[name]!)
        }
        let y = parts.count == 1 ? parts[0] : Tensor.concatenateRows(parts)
        if let e = expect {
            let check = try OutputCheck(y, golden: NpyArray.read(path: e), goldenPath: e, tolerance: tolerance)
            print("\(name) against \(e): \(check)")
            guard check.passes else { throw ExitCode.failure }
        }
        if let out = output {
            try NpyArray.write(y, to: out)
            Console.note("wrote \(name) \(y.shape) to \(out)")
        }
        if let k = top {
            print(format.render(Prediction.top(k, logits: y, sources: data.sources(input), config: config)), terminator: "")
        }
        if output == nil && top == nil && expect == nil {
            Console.note("\(name) \(y.shape); pass --output FILE.npy to save it or --top K to print classes")
        }
    }
}
