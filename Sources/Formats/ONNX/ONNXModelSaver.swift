import Foundation
import Graph

/// `vitopt convert … model.onnx`: a ViT written as ONNX, its parameters named in a convention.
public enum ONNXModelSaver {
    /// Exports `model` with initializers named as `naming` names them (qkv packed for timm, split
    /// for Hugging Face), the config in the metadata (`vitopt.config`), input `pixel_values`,
    /// output `logits` (or `last_hidden_state`), dynamic batch. The model and its external data
    /// (`<file>.data`, when written) are one commit (`AtomicFileSet`).
    /// - Parameter inputs: the command's inputs: neither the model nor its external data may
    ///   replace one of them (`OutputError`, thrown before anything is written).
    @discardableResult
    public static func save(_ model: ViTDescription, to path: String, naming: NamingConvention, opset: Int = ONNXExporter.defaultOpset,
                            externalData: Bool? = nil, inputs: OutputGuard = OutputGuard()) throws -> ONNXExporter.Summary {
        var outputs = inputs
        try outputs.claimONNX(path)
        var shaped = try NamingMapper.prepared(model, for: naming)
        for key in shaped.tensors.keys {
            guard let name = NamingMapper.name(for: key, in: shaped, convention: naming) else {
                throw FormatError.cannotExpress(convention: naming.rawValue, detail: "'\(model.displayName(key))' (\(key.part.rawValue))")
            }
            shaped.sourceNames[key] = name
        }
        var graph = try ViTGraphBuilder.build(shaped, name: (path as NSString).lastPathComponent)
        graph.metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(shaped.config)
        graph.metadata[ConfigSources.namingKey] = naming.rawValue
        return try ONNXExporter.write(graph, to: path, opset: opset, externalData: externalData, registry: .standard)
    }
}
