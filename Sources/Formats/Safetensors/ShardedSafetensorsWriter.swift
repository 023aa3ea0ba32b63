import Graph

/// Writes a checkpoint as safetensors shards of at most `maxShardBytes` of tensor data each, with the
/// index transformers reads (`NAME.safetensors.index.json`: `{"metadata": {"total_size": bytes},
/// "weight_map": {tensor: shard}}`), for an output named `NAME.safetensors`.
///
/// Shards are named `NAME-00001-of-0000N.safetensors`, as `save_pretrained` names them. Tensors are
/// taken in name order and a shard is closed when the next tensor would overflow it; a tensor larger
/// than the limit gets a shard of its own. Each shard is streamed from its sources like
/// `SafetensorsWriter` (memory stays near one header), and every file goes through `AtomicFileWriter`,
/// so inside an `AtomicFileSet` the shards and index commit together.
public enum ShardedSafetensorsWriter {
    public struct Result: Sendable, Equatable {
        public var indexPath: String
        public var shards: [String]
        /// Bytes of all files written.
        public var bytes: Int
    }

    /// The index and shard paths for an output named `path` (`…/NAME.safetensors`) split `count` ways.
    public static func paths(for path: String, count: Int) -> (index: String, shards: [String]) {
        let stem = path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path
        let shards = (1...max(count, 1)).map { "\(stem)-\(pad($0))-of-\(pad(count)).safetensors" }
        return ("\(stem).safetensors.index.json", shards)
    }

    static func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }

    /// How `tensors` split into shards of at most `maxShardBytes` (names per shard, in order).
    public static func plan(_ tensors: [String: Tensor], maxShardBytes: Int) -> [[String]] {
        var shards: [[String]] = [[]]
        var used = 0
        for name in tensors.keys.sorted() {
            let size = tensors[name]!.byteCount
            if used > 0 && used + size > maxShardBytes {
                shards.append([])
                used = 0
            }
            shards[shards.count - 1].append(name)
            used += size
        }
        return shards
    }

    /// Writes the shards and the index for an output named `path`.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String], to path: String,
                             maxShardBytes: Int) throws -> Result {
        let plan = plan(tensors, maxShardBytes: maxShardBytes)
        let (indexPath, shardPaths) = paths(for: path, count: plan.count)
        var bytes = 0, total = 0
        var map: [String: String] = [:]
        for (names, shardPath) in zip(plan, shardPaths) {
            var part: [String: Tensor] = [:]
            for n in names {
                part[n] = tensors[n]!
                total += tensors[n]!.byteCount
                map[n] = AtomicFileWriter.split(shardPath).1
            }
            bytes += try SafetensorsWriter.write(part, metadata: metadata, to: shardPath)
        }
        let entries = map.keys.sorted().map { "    \(JSONText.quote($0)): \(JSONText.quote(map[$0]!))" }
        let text = "{\n  \"metadata\": {\n    \"total_size\": \(total)\n  },\n  \"weight_map\": {\n\(entries.joined(separator: ",\n"))\n  }\n}\n"
        let writer = try AtomicFileWriter(path: indexPath)
        try writer.write(Array(text.utf8))
        try writer.commit()
        return Result(indexPath: indexPath, shards: shardPaths, bytes: bytes + writer.bytesWritten)
    }

    /// Parses a size such as `5GB`, `500MB`, `2GiB`, `100KB` or `123456` (bytes): decimal units
    /// (KB, MB, GB = 10³, 10⁶, 10⁹), binary ones (KiB, MiB, GiB), as transformers reads them.
    public static func parseSize(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("TIB", 1 << 40),
                                      ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            guard let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 1,
                  v * Double(scale) < 9e18 else { return nil }
            return Int(v * Double(scale))
        }
        guard let v = Int(s), v >= 1 else { return nil }
        return v
    }
}

import Foundation
