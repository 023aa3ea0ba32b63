import ArgumentParser
import Foundation
import Formats
import Graph
import Quantize

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a checkpoint between formats and naming conventions, losslessly.",
        discussion: """
        Every tensor reaches the output bit for bit (transposes for TF kernels are exact); the config \
        travels in the file's metadata and a config.json beside it. --naming hf-tf writes Hugging Face's \
        TensorFlow tf_model.h5 layout (the same as --format hdf5 --layout keras --naming hf). \
        An output that ends in / (or is an existing folder) is a model folder: the weights file is named \
        as transformers and Optimum name it (model.safetensors, model.onnx, tf_model.h5 or model.h5; the \
        format from --to, default safetensors), with config.json beside it. A Hugging Face config.json \
        comes with preprocessor_config.json; --to onnx into a folder writes Optimum's layout (model.onnx, \
        config.json, preprocessor_config.json).
        """)

    @Argument(help: "Input model: a file (safetensors, HDF5, ONNX, PyTorch checkpoint), a model folder or a shard index.")
    var input: String

    @Argument(help: "Output file (format from the extension unless --to is given), or a folder (ends in /).")
    var output: String

    @Option(name: [.customLong("to"), .customLong("format")], help: "Output format: safetensors, hdf5 or onnx.")
    var format: String?

    @Option(name: .customLong("max-shard-size"), help: "Split safetensors output into shards of at most this size (e.g. 5GB, 500MB, 2GiB), with NAME.safetensors.index.json, as transformers does.")
    var maxShardSize: String?

    @Option(help: "Output naming convention: timm, hf, openclip or hf-tf (default: the input's).")
    var naming: String?

    @Option(help: "HDF5 output layout: plain or keras (default: keras for hf-tf naming or a tf_model.h5 name, else plain).")
    var layout: String?

    @Option(help: "ONNX opset of an .onnx output (13–23).")
    var opset = ONNXExporter.defaultOpset

    @Flag(name: .customLong("external-data"), help: "Put an .onnx output's tensors in FILE.data beside it (automatic over 2 GB).")
    var externalData = false

    @Option(help: "Store the floating-point parameters as f32, f16 or bf16 (rounded to nearest even, as PyTorch's model.to(dtype)); default: as the input stores them.")
    var dtype: ParameterDType?

    @Flag(help: "Refuse tensors that are not ViT parameters instead of carrying them through.")
    var strict = false

    @Flag(name: .customLong("no-config-json"), help: "Do not write config.json (nor preprocessor_config.json) beside the output.")
    var noConfigJSON = false

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        if let f = format, !ModelFormat.writable.contains(where: { $0.rawValue == f.lowercased() }) {
            throw ValidationError("--to must be one of \(ModelFormat.writable.map(\.rawValue).joined(separator: ", ")), got '\(f)'")
        }
        if let n = naming, n.lowercased() != "hf-tf" { _ = try NamingConvention.parse(n) }
        if let m = maxShardSize, ShardedSafetensorsWriter.parseSize(m) == nil {
            throw ValidationError("--max-shard-size must be a size such as 5GB, 500MB, 2GiB or a byte count, got '\(m)'")
        }
        if let l = layout, !["plain", "keras"].contains(l.lowercased()) {
            throw ValidationError("--layout must be plain or keras, got '\(l)'")
        }
    }

    func run() throws {
        let t0 = Date()
        let fmt: ModelFormat
        let folder = ModelFolder.isOutputFolder(output)
        if let f = format, let known = ModelFormat(rawValue: f.lowercased()) {
            fmt = known
        } else if folder {
            fmt = naming?.lowercased() == "hf-tf" ? .hdf5 : .safetensors
        } else {
            guard let guessed = ModelFormat.fromExtension(output) else {
                throw ValidationError("cannot tell the output format from '\(output)'; use a .safetensors, .h5 or .onnx extension, --to, or a folder (ending in /)")
            }
            fmt = guessed
        }
        let tfNaming = naming?.lowercased() == "hf-tf"
        var hdf5Layout = try layout.map(HDF5Layout.parse)
        if tfNaming {
            guard fmt == .hdf5 else { throw ValidationError("--naming hf-tf names TF weights inside an HDF5 tf_model.h5; use an .h5 output") }
            guard hdf5Layout != .plain else { throw ValidationError("--naming hf-tf needs the keras layout, not --layout plain") }
            hdf5Layout = .keras
        }
        if hdf5Layout != nil && fmt != .hdf5 { throw ValidationError("--layout applies to HDF5 output only") }
        if folder && noConfigJSON && fmt == .onnx { throw ValidationError("an ONNX model folder is model.onnx with its config.json; drop --no-config-json or name an .onnx file") }
        let output = folder ? ModelFolder.outputFile(in: self.output, format: fmt, kerasLayout: hdf5Layout == .keras) : self.output
        var inputs = OutputGuard()
        inputs.protectModel(input)
        var outputs = inputs
        if fmt == .onnx { try outputs.claimONNX(output) } else { try outputs.claim(output) }

        let storage = dtype
        if let storage, storage != .f32 {
            guard fmt != .onnx else { throw ValidationError("--dtype \(storage.rawValue): ONNX output keeps float32 parameters (the exported graph computes in float32)") }
            guard fmt != .hdf5 || storage != .bf16 else { throw ValidationError("--dtype bf16: HDF5 has no bfloat16 type; write safetensors, or use --dtype f16") }
            guard !Int8ModelFile.isQuantized(input) else { throw ValidationError("--dtype: \(input) is an int8 model; convert the fp32 model") }
        }
        if try Int8ONNXConvert.handle(input: input, output: output, format: fmt, opset: opset, options: modelOptions, inputs: inputs) { return }
        let loaded = try modelOptions.load(input)
        if strict && !loaded.model.extras.isEmpty {
            throw ValidationError("--strict: \(input) has tensors that are not ViT parameters: \(loaded.model.extras.keys.sorted().joined(separator: ", "))")
        }
        var convention = try tfNaming ? .hf : (naming.map(NamingConvention.parse) ?? loaded.convention)
        if let swin = loaded.swin {
            let s = try SwinSaver.save(swin, to: output, naming: convention, format: fmt, writeConfigJSON: !noConfigJSON && fmt != .onnx,
                                       inputs: inputs, opset: opset)
            print("wrote \(output): \(fmt.rawValue), \(convention.rawValue) naming (Swin Transformer)\n  \(s.tensorsWritten) tensors written")
            if let c = s.configPath { print("  config: \(c)") }
            return
        }
        if fmt == .hdf5 && hdf5Layout == nil && naming == nil && (output as NSString).lastPathComponent == "tf_model.h5" {
            hdf5Layout = .keras
            convention = .hf
        }
        let tensorBytes = loaded.model.tensors.values.reduce(0) { $0 + $1.byteCount } + loaded.model.extras.values.reduce(0) { $0 + $1.byteCount }
        if folder && fmt == .onnx {
            try ProgressLine.writing("convert", totalBytes: tensorBytes) {
                try ONNXConvert.writeFolder(loaded, folder: self.output, naming: naming == nil ? .hf : convention, opset: opset,
                                            externalData: externalData, inputs: inputs, json: json)
            }
            return
        }
        if try ProgressLine.writing("convert", totalBytes: tensorBytes, {
            try ONNXConvert.handle(loaded, output: output, format: fmt, naming: convention, opset: opset, externalData: externalData,
                                   inputs: inputs)
        }) { return }
        let outLayout = hdf5Layout ?? .plain
        let summary = try ProgressLine.writing("convert", totalBytes: tensorBytes) {
            try ModelSaver.save(storage.map { loaded.model.castingParameters(to: $0) } ?? loaded.model, to: output, naming: convention, format: fmt,
                                writeConfigJSON: !noConfigJSON, hdf5Layout: outLayout, inputs: inputs,
                                maxShardBytes: maxShardSize.flatMap(ShardedSafetensorsWriter.parseSize))
        }
        for w in summary.warnings { Console.warn(w) }
        let seconds = Date().timeIntervalSince(t0)
        let shownNaming = fmt == .hdf5 && outLayout == .keras ? "hf-tf" : convention.rawValue
        let shownFormat = fmt == .hdf5 ? "hdf5 (\(outLayout.rawValue) layout)" : fmt.rawValue
        if json {
            var object: [String: Any] = [
                "input": input, "output": summary.indexPath ?? output, "format": fmt.rawValue, "naming": shownNaming,
                "tensors_written": summary.tensorsWritten, "renamed": summary.renamed,
                "transposed": summary.transposed + loaded.transposedOnRead, "carried_through": summary.carriedThrough,
                "bytes": summary.bytes, "seconds": seconds, "warnings": summary.warnings,
            ]
            if fmt == .hdf5 { object["layout"] = outLayout.rawValue }
            if let c = summary.configPath { object["config"] = c }
            if let p = summary.preprocessorPath { object["preprocessor_config"] = p }
            if !summary.shards.isEmpty { object["shards"] = summary.shards }
            try JSONReport.print(object)
            return
        }
        if let index = summary.indexPath {
            print("wrote \(index) and \(summary.shards.count) shards (\(summary.shards.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))): \(shownFormat), \(shownNaming) naming")
        } else {
            print("wrote \(output): \(shownFormat), \(shownNaming) naming")
        }
        print("  \(summary.tensorsWritten) tensors written, \(summary.renamed) renamed, \(summary.transposed + loaded.transposedOnRead) transposed, \(summary.carriedThrough) carried through")
        print(String(format: "  %.2f MB in %.2f s", Double(summary.bytes) / 1e6, seconds))
        if let c = summary.configPath { print("  config: \(c)") }
        if let p = summary.preprocessorPath {
            print("  image processor: \(p) (\(ImageProcessorConfig.processorClass(for: loaded.model.config)))")
        }
    }
}
