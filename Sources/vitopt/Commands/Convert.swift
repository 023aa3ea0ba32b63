import ArgumentParser
import Foundation
import Formats
import Graph

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a checkpoint between formats and naming conventions, losslessly.")

    @Argument(help: "Input model file.")
    var input: String

    @Argument(help: "Output file (format from the extension unless --format is given).")
    var output: String

    @Option(help: "Output format: safetensors or onnx.")
    var format: String?

    @Option(help: "Output naming convention: timm or hf (default: the input's).")
    var naming: String?

    @Option(help: "ONNX opset of an .onnx output (13–23).")
    var opset = ONNXExporter.defaultOpset

    @Flag(name: .customLong("external-data"), help: "Put an .onnx output's tensors in FILE.data beside it (automatic over 2 GB).")
    var externalData = false

    @Flag(help: "Refuse tensors that are not ViT parameters instead of carrying them through.")
    var strict = false

    @Flag(name: .customLong("no-config-json"), help: "Do not write config.json beside the output.")
    var noConfigJSON = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let t0 = Date()
        let loaded = try modelOptions.load(input)
        let fmt: ModelFormat
        if let f = format {
            guard let parsed = ModelFormat(rawValue: f.lowercased()) else {
                throw ValidationError("--format must be one of \(ModelFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(f)'")
            }
            fmt = parsed
        } else {
            guard let guessed = ModelFormat.fromExtension(output) else {
                throw ValidationError("cannot tell the output format from '\(output)'; use a .safetensors extension or --format")
            }
            fmt = guessed
        }
        if strict && !loaded.model.extras.isEmpty {
            throw ValidationError("--strict: \(input) has tensors that are not ViT parameters: \(loaded.model.extras.keys.sorted().joined(separator: ", "))")
        }
        let convention = try naming.map(NamingConvention.parse) ?? loaded.convention
        if try ONNXConvert.handle(loaded, output: output, format: fmt, naming: convention, opset: opset, externalData: externalData) { return }
        let summary = try ModelSaver.save(loaded.model, to: output, naming: convention, format: fmt, writeConfigJSON: !noConfigJSON)
        for w in summary.warnings { Console.warn(w) }
        let seconds = Date().timeIntervalSince(t0)
        print("wrote \(output): \(fmt.rawValue), \(convention.rawValue) naming")
        print("  \(summary.tensorsWritten) tensors written, \(summary.renamed) renamed, 0 transposed, \(summary.carriedThrough) carried through")
        print(String(format: "  %.2f MB in %.2f s", Double(summary.bytes) / 1e6, seconds))
        if let c = summary.configPath { print("  config: \(c)") }
    }
}
