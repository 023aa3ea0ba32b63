import ArgumentParser
import Formats
import Graph

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on a .npy batch (N×C×H×W, preprocessed) or an image; write the logits as .npy.")

    @Argument(help: "Model file.")
    var model: String

    @Option(help: "Input: a .npy batch or a PNG/JPEG image.")
    var input: String

    @Option(help: "Where to write the output (float32 .npy): logits, or the final hidden states for a model without a head.")
    var output: String?

    @Option(help: "Print the K most likely classes of each image.")
    var top: Int?

    @Option(name: .customLong("image-size"), help: "Run at another input size (N or HxW), resampling the position embedding on the fly (see resize-pos).")
    var imageSize: String?

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var resample: ResampleOptions

    func validate() throws {
        try OptionBounds.check(top, "--top", OptionBounds.top)
        if let s = imageSize { _ = try ModelOptions.size(s, flag: "--image-size") }
    }

    func run() throws {
        let runnable = try modelOptions.loadRunnable(model)
        let loaded = runnable.loaded
        var graph = runnable.graph
        var config = loaded.model.config
        if imageSize != nil || resample.patchSize != nil {
            guard runnable.int8 == nil else {
                throw ValidationError("\(model) is an int8 model; resample the fp32 model (vitopt resize-pos) and quantize the result")
            }
            let (resized, summary, preset) = try resample.resize(loaded, imageSize: try imageSize.map { try ModelOptions.size($0, flag: "--image-size") })
            for line in summary.lines(preset: preset) { Console.note(line) }
            graph = try ViTGraphBuilder.build(resized, name: graph.name)
            config = resized.config
        }
        let x = try InputLoader.load(input, config: config)
        let exec = try Executor(graph: graph, registry: runnable.registry, threads: threads.count)
        let outputs = try exec.run([ViTGraphBuilder.inputName: x])
        let name = exec.graph.outputs[0]
        let y = outputs[name]!
        if let out = output {
            try NpyArray.write(y, to: out)
            Console.note("wrote \(name) \(y.shape) to \(out)")
        }
        if let k = top {
            guard config.numClasses > 0 else { throw ValidationError("--top needs a model with a classifier head") }
            let classes = y.shape[1]
            for b in 0..<y.shape[0] {
                let row = Array(UnsafeBufferPointer(start: y.floats + b * classes, count: classes))
                let probs = Softmax.probabilities(row)
                let order = row.indices.sorted { row[$0] > row[$1] }.prefix(k)
                print(y.shape[0] > 1 ? "image \(b):" : "top \(min(k, classes)):")
                for i in order {
                    let label = config.labels?[i] ?? "class \(i)"
                    print("  \(String(format: "%6.2f%%", probs[i] * 100))  \(i)  \(label)")
                }
            }
        }
        if output == nil && top == nil {
            Console.note("\(name) \(y.shape); pass --output FILE.npy to save it or --top K to print classes")
        }
    }
}
