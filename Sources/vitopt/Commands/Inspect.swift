import ArgumentParser
import Foundation
import Formats
import Graph

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's format, naming convention, config, parameter count and dtypes.")

    @Argument(help: "Model file or folder (.safetensors, .onnx, .h5, PyTorch .bin/.pt/.pth, a sharded index).")
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
            let quantization = runnable.int8.map(Int8Summary.fields) ?? runnable.onnxInt8.map { Int8Summary.fields($0, metadata: runnable.loaded.metadata) }
            guard let q = quantization else { print(try report.json()); return }
            var object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any] ?? [:]
            object["quantization"] = q
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text)
            if let q = runnable.int8 { print(Int8Summary.text(q)) }
            if let q = runnable.onnxInt8 { print(Int8Summary.text(q, metadata: runnable.loaded.metadata)) }
        }
        if graph { print(try runnable.graph.dump(registry: runnable.registry)) }
    }
}
