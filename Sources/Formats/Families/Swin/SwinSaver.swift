import Foundation
import Graph

/// Writes a `SwinDescription` as safetensors under timm's or transformers' names, with vitopt's
/// config in the metadata and that library's `config.json` beside it (one atomic commit; never
/// over an input). The tensors are the description's bit for bit (transformers' q, k, v are row
/// slices of the packed `qkv`); the computed buffers are not written, as neither library's strict
/// load wants them.
public enum SwinSaver {
    /// - Returns: the number of tensors written, the bytes, and the `config.json` path (if written).
    /// - Throws: `OutputError` before writing when an output would replace an input, `FormatError`
    ///   for a format or convention that cannot hold a Swin.
    public static func save(_ model: SwinDescription, to path: String, naming: NamingConvention, format: ModelFormat,
                     writeConfigJSON: Bool, inputs: OutputGuard, opset: Int = ONNXExporter.defaultOpset) throws -> ModelSaver.Summary {
        if format == .onnx {
            // The graph in standard operators, initializers under timm's names, the config in the metadata.
            var outputs = inputs
            try outputs.claimONNX(path)
            var g = try SwinGraphBuilder.build(model, name: (path as NSString).lastPathComponent)
            g.metadata[SwinConfigFile.metadataKey] = SwinConfigFile.metadataValue(model.config)
            let s = try ONNXExporter.write(g, to: path, opset: opset)
            var summary = ModelSaver.Summary()
            summary.tensorsWritten = s.tensors
            summary.bytes = s.bytes
            return summary
        }
        guard format == .safetensors else {
            throw FormatError.unsupported(path: path, detail: "a Swin Transformer is written as .safetensors or .onnx (\(format.rawValue) output is not supported for Swin)")
        }
        try model.validate()
        let named = try SwinNames.named(model, naming)
        let config = naming == .hf ? try SwinConfigFile.hfJSON(model.config) : SwinConfigFile.timmJSON(model.config)
        var outputs = inputs
        try outputs.claim(path)
        let configPath = writeConfigJSON ? AtomicFileWriter.split(path).0 + "/config.json" : nil
        if let p = configPath { try outputs.claim(p, as: "the output's config.json") }
        let metadata = ["format": "pt", SwinConfigFile.metadataKey: SwinConfigFile.metadataValue(model.config),
                        ConfigSources.namingKey: naming.rawValue]
        var summary = ModelSaver.Summary()
        try AtomicFileSet.committing {
            if let p = configPath {
                let writer = try AtomicFileWriter(path: p)
                // transformers' strict configs (Swinv2Config) refuse an integral float field written as an integer
                let text = JSONText.pretty(config)
                try writer.write(Array(((naming == .hf ? ConfigWriter.floatsSpelledAsFloats(text) : text) + "\n").utf8))
                try writer.commit()
            }
            summary.bytes = try SafetensorsWriter.write(named, metadata: metadata, to: path)
        }
        summary.tensorsWritten = named.count
        summary.configPath = configPath
        if let p = configPath { summary.configAction = .write(p) }
        return summary
    }
}
