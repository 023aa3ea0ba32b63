import Foundation
import Graph

extension TrainableSwin: TrainableStudent {
    /// The checkpoint metadata key of the student's config (the same key and JSON as Swin checkpoints').
    static let configKey = "vitopt.swin_config"

    public var trainableParameters: any FlatParameters { parameters }
    public var classes: Int { config.numClasses }
    public var outputKind: String { config.numClasses > 0 ? "logits" : "pooled features" }
    public var hasDistillationHead: Bool { false }
    public var activationBytes: Int { workspace?.byteCount ?? 0 }

    public var checkpointMetadata: [String: String] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return [Self.configKey: (try? enc.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? ""]
    }

    public func checkpointMismatch(_ metadata: [String: String]) -> String? {
        guard let text = metadata[Self.configKey] else { return "no Swin student config (\(Self.configKey)) in its metadata" }
        guard let saved = try? JSONDecoder().decode(SwinConfig.self, from: Data(text.utf8)) else { return "its \(Self.configKey) is not a Swin config" }
        return saved == config ? nil : "written for a different Swin student architecture"
    }

    public func inferenceGraph() throws -> ModelGraph { try SwinGraphBuilder.build(description()) }
}
