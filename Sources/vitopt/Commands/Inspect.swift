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
        let loaded = try modelOptions.load(model)
        let report = ModelReport(loaded)
        if json {
            print(try report.json())
        } else {
            print(report.text)
        }
        if graph { print(try loaded.graph().dump(registry: loaded.registry)) }
    }
}
