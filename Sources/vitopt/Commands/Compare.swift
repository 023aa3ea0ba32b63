import ArgumentParser
import Formats
import Graph

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that two checkpoints hold the same model, tensor for tensor, bit for bit.",
        discussion: """
        Both files are read into vitopt's convention-free description (any format, naming or HDF5 layout; \
        TF kernels transposed back), so a timm safetensors file and its tf_model.h5 compare equal when the \
        conversion was lossless. Exits 1 when any parameter, extra tensor or the config differs.
        """)

    @Argument(help: "First model file.")
    var first: String

    @Argument(help: "Second model file.")
    var second: String

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let a = try modelOptions.load(first).model.packingQKV(), b = try modelOptions.load(second).model.packingQKV()
        var problems: [String] = []
        if a.config != b.config { problems.append("the configs differ") }
        for key in Set(a.tensors.keys).union(b.tensors.keys).sorted() {
            guard let x = a.tensors[key], let y = b.tensors[key] else { problems.append("\(key): only in one file"); continue }
            if !x.bitwiseEqual(y) { problems.append("\(key): \(x.dtype.rawValue)\(x.shape) vs \(y.dtype.rawValue)\(y.shape) differ") }
        }
        for name in Set(a.extras.keys).union(b.extras.keys).sorted() {
            guard let x = a.extras[name], let y = b.extras[name], x.bitwiseEqual(y) else { problems.append("extra tensor \(name) differs"); continue }
        }
        if problems.isEmpty {
            print("identical: \(a.tensors.count) parameters and \(a.extras.count) extra tensors bit-exact, same config")
        } else {
            for p in problems.prefix(20) { Console.warn(p) }
            throw ExitCode(1)
        }
    }
}
