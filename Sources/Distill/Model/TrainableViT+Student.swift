import Foundation
import Formats
import Graph

extension TrainableViT: TrainableStudent {
    public var trainableParameters: any FlatParameters { parameters }
    public var inputConfig: ViTConfig { config }
    public var classes: Int { config.numClasses }
    public var outputWidth: Int { Self.outputWidth(config) }
    public var outputKind: String { Self.outputKind(config) }
    public var hasDistillationHead: Bool { config.distToken }
    public var checkpointMetadata: [String: String] { [ConfigSources.metadataKey: ConfigSources.metadataValue(config)] }

    public func checkpointMismatch(_ metadata: [String: String]) -> String? {
        guard let text = metadata[ConfigSources.metadataKey] else { return "no ViT student config (\(ConfigSources.metadataKey)) in its metadata" }
        guard let saved = try? JSONDecoder().decode(ViTConfig.self, from: Data(text.utf8)) else { return "its \(ConfigSources.metadataKey) is not a ViT config" }
        return saved == config ? nil : "written for a different student architecture"
    }

    public func inferenceGraph() throws -> ModelGraph { try ViTGraphBuilder.build(description()) }
}
