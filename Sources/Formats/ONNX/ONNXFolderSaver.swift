import Foundation
import Graph

/// An Optimum-style ONNX model folder: `model.onnx`, the Hugging Face `config.json` and the
/// `preprocessor_config.json` of the model's preprocessing recipe, as `optimum-cli export onnx`
/// lays it out, so `AutoConfig.from_pretrained(folder)`, `AutoImageProcessor.from_pretrained(folder)`
/// and ONNX Runtime on `model.onnx` work together. vitopt reads the folder back (`ModelFolder`).
public enum ONNXFolderSaver {
    public struct Summary: Sendable {
        public var export: ONNXExporter.Summary
        public var modelPath: String
        /// `config.json` written or replaced; nil when it was kept (one of the inputs).
        public var configPath: String?
        public var preprocessorPath: String?
        public var warnings: [String] = []
    }

    /// Writes the folder: the three files (and `model.onnx.data` when the tensors go to external
    /// data) are one commit (`AtomicFileSet`); `config.json` follows `SidecarConfig`'s rule (kept
    /// when it is an input's, refused when it describes another model), `preprocessor_config.json`
    /// follows it (`ImageProcessorConfig.path(besides:…)`).
    /// - Parameters:
    ///   - folder: the output folder (made when missing, see `OutputFolders`).
    ///   - naming: the ONNX initializers' names; the config is Hugging Face's whatever it is.
    /// - Throws: `FormatError.cannotExpress` when transformers' ViT/DeiT config cannot describe the
    ///   model (no file written); `OutputError` before anything is written when an output would
    ///   replace an input or `config.json` describes another model; the exporter's errors.
    public static func save(_ model: ViTDescription, folder: String, naming: NamingConvention, opset: Int = ONNXExporter.defaultOpset,
                            externalData: Bool? = nil, inputs: OutputGuard = OutputGuard()) throws -> Summary {
        let path = ModelFolder.outputFile(in: folder, format: .onnx)
        var outputs = inputs
        try outputs.claimONNX(path)
        try ConfigWriter.checkExpressible(model.config, .hf)
        let action = try SidecarConfig.decide(output: path, config: model.config, inputs: inputs)
        if let c = action.writtenPath { try outputs.claim(c, as: "the output's config.json") }
        let preprocessor = ImageProcessorConfig.path(besides: path, configAction: action, inputs: inputs)
        if let p = preprocessor { try outputs.claim(p, as: "the output's \(ImageProcessorConfig.fileName)") }
        let verify = { () throws -> Void in
            let now = try SidecarConfig.decide(output: path, config: model.config, inputs: inputs)
            guard now.writtenPath == action.writtenPath else {
                throw OutputError.staleConfig(path: SidecarConfig.path(besides: path), detail: "changed while \(path) was being written; nothing was written")
            }
        }
        let export = try AtomicFileSet.committing(verify: verify) { () throws -> ONNXExporter.Summary in
            let dir = AtomicFileWriter.split(path).0
            if action.writtenPath != nil { _ = try ConfigWriter.write(model.config, .hf, directory: dir) }
            if preprocessor != nil { try ImageProcessorConfig.write(model.config.preprocessing, directory: dir) }
            return try ONNXModelSaver.save(model, to: path, naming: naming, opset: opset, externalData: externalData, inputs: inputs)
        }
        var summary = Summary(export: export, modelPath: path, configPath: action.writtenPath, preprocessorPath: preprocessor)
        if case .keep(_, let reason) = action { summary.warnings.append(reason) }
        if preprocessor != nil, let note = ImageProcessorConfig.exactness(for: model.config.preprocessing) { summary.warnings.append(note) }
        return summary
    }
}
