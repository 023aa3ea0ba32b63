import Graph

/// A checkpoint split over several safetensors files by an index (`model.safetensors.index.json`, as
/// transformers writes it: `{"metadata": {...}, "weight_map": {tensor: shard file}}`).
///
/// Each shard is mapped, not read, so memory stays near what the tensors later touch. Shard names
/// must be plain file names in the index's folder (no `/`, no `..`): an index cannot reach other files.
/// Every tensor the map names must be in the shard it names; a tensor in two shards, or in a shard
/// the map does not list for it, is an error.
public struct ShardedSafetensors: Sendable {
    public let path: String
    public let tensors: [String: Tensor]
    /// The first shard's `__metadata__` (transformers writes the same in each).
    public let metadata: [String: String]
    /// The shard files, in name order.
    public let shards: [String]
    /// Bytes in all shards.
    public let fileSize: Int

    /// Whether `path` names a safetensors index.
    public static func isIndex(_ path: String) -> Bool { path.hasSuffix(".safetensors.index.json") }

    /// Reads the index at `path` and maps every shard it names.
    /// - Throws: `FormatError` naming the index or the shard at fault.
    public init(path: String) throws {
        self.path = path
        let index = try MappedFile(path: path)
        guard let json = JSONText.object(index.bytes), let map = json["weight_map"] as? [String: Any] else {
            throw FormatError.corrupt(path: path, detail: "not a safetensors index: expected a JSON object with a \"weight_map\" object")
        }
        var byShard: [String: [String]] = [:]
        for (tensor, value) in map {
            guard let shard = value as? String else { throw FormatError.tensor(path: path, tensor: tensor, detail: "weight_map value is not a file name") }
            guard !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw FormatError.tensor(path: path, tensor: tensor, detail: "shard '\(shard)' is not a plain file name in the index's folder")
            }
            byShard[shard, default: []].append(tensor)
        }
        guard !byShard.isEmpty else { throw FormatError.corrupt(path: path, detail: "the weight_map is empty") }
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        var total = 0
        let shards = byShard.keys.sorted()
        for shard in shards {
            let file = try SafetensorsFile(path: "\(dir)/\(shard)")
            total += file.fileSize
            if metadata.isEmpty { metadata = file.metadata }
            let listed = Set(byShard[shard]!)
            for name in listed where file.tensors[name] == nil {
                throw FormatError.tensor(path: file.path, tensor: name, detail: "the index places it in this shard, which does not hold it")
            }
            for (name, t) in file.tensors {
                guard listed.contains(name) else {
                    throw FormatError.tensor(path: file.path, tensor: name, detail: "in this shard but the index does not list it here")
                }
                tensors[name] = t
            }
        }
        self.tensors = tensors
        self.metadata = metadata
        self.shards = shards
        self.fileSize = total
    }
}
