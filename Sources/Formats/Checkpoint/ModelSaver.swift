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
        /// What happened to `config.json` (see `SidecarConfig`).
        public var configAction: SidecarConfig.Action = .skip(reason: "not written for this format")
        public var warnings: [String] = []
        /// When the output was split (`maxShardBytes`): the shard files and their index, written instead of `path`.
        public var shards: [String] = []
        public var indexPath: String?
        /// The `preprocessor_config.json` written beside a Hugging Face `config.json`, if any.
        public var preprocessorPath: String?
    }

    /// Saves `model` as safetensors or HDF5 at `path`, with vitopt's config in the file's metadata,
    /// and `config.json` in the convention's format beside it as `SidecarConfig` decides (written or
    /// replaced in the same commit as the model, see `AtomicFileSet`; kept when it is an input's;
    /// refused when it describes another model). With Hugging Face naming, a written `config.json`
    /// comes with the `preprocessor_config.json` of the model's preprocessing recipe
    /// (`ImageProcessorConfig`), in the same commit. An `.onnx` output goes through `ONNXModelSaver`.
    /// - Parameters:
    ///   - inputs: the command's inputs: no output (model or `config.json`) may replace one of them.
    /// - Throws: `OutputError` before anything is written when an output would replace an input or
    ///   the folder's `config.json` describes another model; `FormatError` for the rest. On any error
    ///   no file is changed.
    public static func save(_ model: ViTDescription, to path: String, naming: NamingConvention,
                            format: ModelFormat = .safetensors, extraMetadata: [String: String] = [:],
                            writeConfigJSON: Bool = true, hdf5Layout: HDF5Layout = .plain,
                            inputs: OutputGuard = OutputGuard(), maxShardBytes: Int? = nil) throws -> Summary {
        switch format {
        case .safetensors, .hdf5: break
        case .pytorch:
            throw FormatError.unsupported(path: path, detail: "vitopt reads PyTorch checkpoints but does not write pickles; write .safetensors (which torch and transformers load)")
        case .onnx:
            // ONNX output is a graph, not a tensor layout: the exporter writes it (opset 17, initializers
            // under this convention's names). `vitopt convert` calls ONNXModelSaver directly for --opset.
            let s = try ONNXModelSaver.save(model, to: path, naming: naming, inputs: inputs)
            var summary = Summary()
            summary.tensorsWritten = s.tensors
            summary.bytes = s.bytes
            return summary
        }
        if format == .hdf5 && hdf5Layout == .keras && naming != .hf {
            throw FormatError.cannotExpress(convention: naming.rawValue, detail: "the Keras (tf_model.h5) layout, which uses Hugging Face's TF names; use --naming hf-tf")
        }
        let model = try NamingMapper.prepared(model, for: naming)
        let named = try NamingMapper.names(for: model, convention: naming)
        let total = named.values.reduce(0) { $0 + $1.byteCount }
        let shardPlan = maxShardBytes.flatMap { max in total > max ? ShardedSafetensorsWriter.plan(named, maxShardBytes: max) : nil }
        if shardPlan != nil && format != .safetensors {
            throw FormatError.unsupported(path: path, detail: "--max-shard-size splits safetensors output only")
        }
        var outputs = inputs
        if let plan = shardPlan {
            let (index, shards) = ShardedSafetensorsWriter.paths(for: path, count: plan.count)
            try outputs.claim(index, as: "the shard index")
            for shard in shards { try outputs.claim(shard, as: "a shard") }
        } else {
            try outputs.claim(path)
        }
        let action = try SidecarConfig.decide(output: path, config: model.config, enabled: writeConfigJSON, inputs: inputs)
        if let configPath = action.writtenPath { try outputs.claim(configPath, as: "the output's config.json") }
        let preprocessorPath = naming == .hf ? ImageProcessorConfig.path(besides: path, configAction: action, inputs: inputs) : nil
        if let p = preprocessorPath { try outputs.claim(p, as: "the output's \(ImageProcessorConfig.fileName)") }
        var summary = Summary()
        var metadata = extraMetadata
        metadata["format"] = "pt"
        metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(model.config)
        metadata[ConfigSources.namingKey] = naming.rawValue
        let verify = { () throws -> Void in
            let now = try SidecarConfig.decide(output: path, config: model.config, enabled: writeConfigJSON, inputs: inputs)
            guard now.writtenPath == action.writtenPath else {
                throw OutputError.staleConfig(path: SidecarConfig.path(besides: path), detail: "changed while \(path) was being written; nothing was written")
            }
        }
        try AtomicFileSet.committing(verify: verify) {
            // config.json first: the set renames in this order, so the model (which the config describes) lands last.
            if let configPath = action.writtenPath {
                _ = try ConfigWriter.write(model.config, naming, directory: AtomicFileWriter.split(configPath).0)
            }
            if let p = preprocessorPath {
                try ImageProcessorConfig.write(model.config, directory: AtomicFileWriter.split(p).0)
            }
            if format == .hdf5 {
                metadata["format"] = nil
                let c = model.config
                let r = try HDF5CheckpointWriter.write(named, metadata: metadata, layout: hdf5Layout,
                                                       scope: KerasNames.modelScope(classes: c.numClasses, distilled: c.distToken),
                                                       mainLayer: c.numClasses == 0 ? (c.distToken ? "deit" : "vit") : nil, to: path)
                summary.bytes = r.bytes
                summary.transposed = r.transposed
            } else if let max = maxShardBytes, shardPlan != nil {
                let r = try ShardedSafetensorsWriter.write(named, metadata: metadata, to: path, maxShardBytes: max)
                summary.bytes = r.bytes
                summary.shards = r.shards
                summary.indexPath = r.indexPath
            } else {
                summary.bytes = try SafetensorsWriter.write(named, metadata: metadata, to: path)
            }
        }
        summary.tensorsWritten = named.count
        let original = Set(model.sourceNames.values).union(model.extras.keys)
        summary.renamed = named.keys.filter { !original.contains($0) }.count
        summary.carriedThrough = model.extras.count
        summary.configAction = action
        summary.configPath = action.writtenPath
        summary.preprocessorPath = preprocessorPath
        if case .keep(_, let reason) = action { summary.warnings.append(reason) }
        if preprocessorPath != nil, let note = ImageProcessorConfig.exactness(for: model.config) { summary.warnings.append(note) }
        if naming == .timm, let note = TimmLayerNormEps.mismatch(model.config) { summary.warnings.append(note) }
        return summary
    }
}
