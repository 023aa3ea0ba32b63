import Foundation
import Graph

/// Writes a `ViTDescription` to a model file under a naming convention.
public enum ModelSaver {
    /// What a save did, for the user.
    public struct Summary: Sendable {
        public var tensorsWritten = 0
        public var renamed = 0
        public var transposed = 0
        public var carriedThrough = 0
        public var bytes = 0
        public var configPath: String?
        public var warnings: [String] = []
    }

    /// Saves `model` as safetensors at `path`, with vitopt's config in `__metadata__`, and a
    /// `config.json` in the convention's format beside it unless one is already there (left as is,
    /// with a warning) or `writeConfigJSON` is false. `replaceConfigJSON` overwrites an existing one
    /// instead (the caller has decided it describes this model, e.g. `ResizedCheckpoint`).
    public static func save(_ model: ViTDescription, to path: String, naming: NamingConvention,
                            format: ModelFormat = .safetensors, extraMetadata: [String: String] = [:],
                            writeConfigJSON: Bool = true, replaceConfigJSON: Bool = false,
                            hdf5Layout: HDF5Layout = .plain) throws -> Summary {
        switch format {
        case .safetensors, .hdf5: break
        case .pytorch:
            throw FormatError.unsupported(path: path, detail: "vitopt reads PyTorch checkpoints but does not write pickles; write .safetensors (which torch and transformers load)")
        case .onnx:
            // ONNX output is a graph, not a tensor layout: the exporter writes it (opset 17, initializers
            // under this convention's names). `vitopt convert` calls ONNXModelSaver directly for --opset.
            let s = try ONNXModelSaver.save(model, to: path, naming: naming)
            var summary = Summary()
            summary.tensorsWritten = s.tensors
            summary.bytes = s.bytes
            return summary
        }
        if format == .hdf5 && hdf5Layout == .keras && naming != .hf {
            throw FormatError.cannotExpress(convention: naming.rawValue, detail: "the Keras (tf_model.h5) layout, which uses Hugging Face's TF names; use --naming hf-tf")
        }
        try ConfigWriter.checkExpressible(model.config, naming)
        let named = try NamingMapper.names(for: model, convention: naming)
        var summary = Summary()
        var metadata = extraMetadata
        metadata["format"] = "pt"
        metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(model.config)
        metadata[ConfigSources.namingKey] = naming.rawValue
        if format == .hdf5 {
            metadata["format"] = nil
            let c = model.config
            let r = try HDF5CheckpointWriter.write(named, metadata: metadata, layout: hdf5Layout,
                                                   scope: KerasNames.modelScope(classes: c.numClasses, distilled: c.distToken),
                                                   mainLayer: c.numClasses == 0 ? (c.distToken ? "deit" : "vit") : nil, to: path)
            summary.bytes = r.bytes
            summary.transposed = r.transposed
        } else {
            summary.bytes = try SafetensorsWriter.write(named, metadata: metadata, to: path)
        }
        summary.tensorsWritten = named.count
        let original = Set(model.sourceNames.values).union(model.extras.keys)
        summary.renamed = named.keys.filter { !original.contains($0) }.count
        summary.carriedThrough = model.extras.count
        if writeConfigJSON {
            let dir = (path as NSString).deletingLastPathComponent
            let configPath = (dir.isEmpty ? "." : dir) + "/config.json"
            if FileManager.default.fileExists(atPath: configPath) && !replaceConfigJSON {
                summary.warnings.append("\(configPath) exists and was left unchanged (the config is also in the file's metadata)")
            } else {
                summary.configPath = try ConfigWriter.write(model.config, naming, directory: dir)
            }
        }
        return summary
    }
}
