import Foundation
import Formats
import Graph

extension Int8ModelFile {
    /// The model to quantize into an int8 safetensors file: `loaded` itself for a checkpoint, and for
    /// an imported graph recognised as a ViT (ONNX) its description re-read under `loaded.convention`'s
    /// tensor names — what `vitopt convert` would write — so the file's weights carry names the
    /// loader maps back to a ViT (an ONNX graph's initializer names do not: the file would not load).
    ///
    /// The graph then is the one vitopt builds from the description, which computes the imported
    /// graph's outputs to fp32 rounding; exclude patterns match its node and weight names.
    /// - Throws: `QuantizeError.export` for an imported graph that is not recognised as a ViT (it can
    ///   be quantized to `.onnx` only), Formats' errors when the description cannot be named.
    public static func source(for loaded: LoadedModel) throws -> LoadedModel {
        guard loaded.importedGraph != nil else { return loaded }
        guard loaded.recognized else {
            throw QuantizeError.export(node: (loaded.path as NSString).lastPathComponent,
                                       detail: "the graph is not recognised as a ViT, so it has no checkpoint tensor names; quantize it to .onnx instead")
        }
        var model = loaded.model
        model.sourceNames = [:]
        let named = try NamingMapper.names(for: model, convention: loaded.convention)
        let metadata = [ConfigSources.metadataKey: ConfigSources.metadataValue(model.config),
                        ConfigSources.namingKey: loaded.convention.rawValue]
        return try ModelLoader.fromTensors(named, metadata: metadata, path: loaded.path, format: .safetensors,
                                           fileSize: loaded.fileSize, hints: ConfigHints(), naming: loaded.convention)
    }
}
