import ArgumentParser
import Formats
import Graph

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's format, naming convention, config, parameter count and dtypes.")

    @Argument(help: "Model file (.safetensors or .onnx).")
    var model: String

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Also print the inference graph.")
    var graph = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let runnable = try modelOptions.loadRunnable(model)
        let report = ModelReport(runnable.loaded)
        if json {
            print(try report.json())
        } else {
            print(report.text)
            if let q = runnable.int8 { print(Int8Summary.text(q)) }
            if let q = runnable.onnxInt8 { print(Int8Summary.text(q, metadata: runnable.loaded.metadata)) }
        }
        if graph { print(try runnable.graph.dump(registry: runnable.registry)) }
    }
}
