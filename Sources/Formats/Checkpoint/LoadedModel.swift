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
    public let warnings: [String]
    public let fileSize: Int
    /// For HDF5 files, the layout the tensors were read from.
    public var hdf5Layout: HDF5Layout? = nil
    /// Tensors transposed on the way in (Keras kernels).
    public var transposedOnRead = 0

    /// The fp32 inference graph.
    public func graph() throws -> ModelGraph {
        var g = try ViTGraphBuilder.build(model, name: (path as NSString).lastPathComponent)
        g.metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(model.config)
        return g
    }
}

