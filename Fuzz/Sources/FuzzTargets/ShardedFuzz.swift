import Formats
import Graph

/// Sharded safetensors: the index (`model.safetensors.index.json`: `weight_map` from tensor to shard
/// file), the confinement of shard names to the index's folder, the tensor-to-shard cross-checks, and
/// the model load path. The folder holds two real shards of a digits-sized model, written once.
///
/// Input: the bytes of the index.
enum ShardedFuzz {
    static let shardNames = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]

    /// Writes the shards on first use; the value is the index's path.
    static let indexPath: String = {
        let named = ConfigFuzz.tensors[.timm] ?? [:]
        let names = named.keys.sorted()
        let half = names.count / 2
        let parts = [names[..<half], names[half...]]
        for (shard, part) in zip(shardNames, parts) {
            var tensors: [String: Tensor] = [:]
            for n in part { tensors[n] = named[n] }
            let metadata = [ConfigSources.metadataKey: ConfigSources.metadataValue(ConfigFuzz.config), "format": "pt"]
            _ = try? SafetensorsWriter.write(tensors, metadata: metadata, to: FuzzScratch.path("sharded", shard))
        }
        return FuzzScratch.path("sharded", "model.safetensors.index.json")
    }()

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = indexPath
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let loaded = try ModelLoader.load(path)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
