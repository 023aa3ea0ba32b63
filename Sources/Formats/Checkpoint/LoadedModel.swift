import Foundation
import Graph

/// A model file read into vitopt's canonical ViT description.
public struct LoadedModel: Sendable {
    public let path: String
    public let format: ModelFormat
    public let convention: NamingConvention
    /// Hugging Face model prefix found in the names (`vit.`, `deit.`, or empty).
    public let prefix: String
    public let model: ViTDescription
    /// The file's own metadata (safetensors `__metadata__`).
    public let metadata: [String: String]
    /// Things that were guessed or ignored, for the user to read.
    public var warnings: [String]
    public let fileSize: Int
    /// For HDF5 files, the layout the tensors were read from.
    public var hdf5Layout: HDF5Layout? = nil
    /// Tensors transposed on the way in (Keras kernels).
    public var transposedOnRead = 0
    /// For imported graphs (ONNX): the graph as imported, run instead of one built from `model`.
    public var importedGraph: ModelGraph? = nil
    /// The registry `graph()` needs.
    public var registry: OpRegistry = .standard
    /// Whether `model` holds the file's parameters; false for an imported graph that is not a
    /// recognised ViT (then `model` is only its input contract and `rawTensors` its tensors).
    public var recognized = true
    /// The file's tensors under their own names, for a model that is not a recognised ViT.
    public var rawTensors: [String: Tensor] = [:]
    /// For a Swin Transformer checkpoint: the model (then `model` is only its input contract:
    /// image size, channels, classes, labels, preprocessing).
    public var swin: SwinDescription? = nil

    /// The fp32 inference graph.
    public func graph() throws -> ModelGraph {
        if let imported = importedGraph { return imported }
        if let swin {
            var g = try SwinGraphBuilder.build(swin, name: (path as NSString).lastPathComponent)
            g.metadata[SwinConfigFile.metadataKey] = SwinConfigFile.metadataValue(swin.config)
            return g
        }
        var g = try ViTGraphBuilder.build(model, name: (path as NSString).lastPathComponent)
        g.metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(model.config)
        return g
    }
}

