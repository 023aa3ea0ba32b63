import ArgumentParser
import Foundation
import Formats
import Graph

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that two checkpoints hold the same model, tensor for tensor, bit for bit.",
        discussion: """
        Both files are read into vitopt's convention-free description (any format, naming or HDF5 layout; \
        TF kernels transposed back), so a timm safetensors file and its tf_model.h5 compare equal when the \
        conversion was lossless. Like cmp: exits 0 when they are the same, 1 when any parameter, extra tensor \
        or config setting differs (each is listed), 2 when a file cannot be read.
        """)

    @Argument(help: "First model file or folder.")
    var first: String

    @Argument(help: "Second model file or folder.")
    var second: String

    @Option(help: "List at most this many differences.")
    var limit = 20

    @Flag(help: "Print one JSON object: identical, differences (every one), parameters, extras.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let a: ViTDescription, b: ViTDescription
        do {
            a = try modelOptions.load(first).model.packingQKV()
            b = try modelOptions.load(second).model.packingQKV()
        } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        let diff = ModelDifference(a, b, nameA: first, nameB: second)
        if json {
            try JSONReport.print(["first": first, "second": second, "identical": diff.identical, "differences": diff.lines,
                                  "parameters": diff.parameters, "extras": diff.extras])
            if !diff.identical { throw ExitCode(1) }
            return
        }
        if diff.identical {
            print("identical: \(diff.parameters) parameters and \(diff.extras) extra tensors bit-exact, same config")
            return
        }
        print("\(first) and \(second) differ:")
        for line in diff.lines.prefix(limit) { print("  \(line)") }
        if diff.lines.count > limit { print("  and \(diff.lines.count - limit) more") }
        throw ExitCode(1)
    }
}
