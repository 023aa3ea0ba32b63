import Foundation

/// The files a model file brings with it, which outputs must not replace: the `config.json` and
/// `preprocessor_config.json` in its folder (read for hints) and, for ONNX, its external data files.
enum InputSideFiles {
    struct SideFile: Equatable {
        let path: String
        let kind: String
    }

    /// The side files of `model` that exist. Unreadable files have none (reading them fails elsewhere).
    static func of(model given: String) -> [SideFile] {
        var out: [SideFile] = []
        // A model folder stands for the weights file in it.
        let model = ModelFolder.isFolder(given) ? ((try? ModelFolder.resolve(given)) ?? given) : given
        if model != given { out.append(SideFile(path: model, kind: "the weights file")) }
        let dir = AtomicFileWriter.split(model).0
        for shard in shards(model) where FileManager.default.fileExists(atPath: shard) {
            out.append(SideFile(path: shard, kind: "a shard"))
        }
        for name in ["config.json", "preprocessor_config.json"] where FileManager.default.fileExists(atPath: dir + "/" + name) {
            out.append(SideFile(path: dir + "/" + name, kind: "the \(name)"))
        }
        for p in onnxExternalData(model) where FileManager.default.fileExists(atPath: p) {
            out.append(SideFile(path: p, kind: "the external data"))
        }
        return out
    }

    /// The shard files a safetensors index names (in its folder); none for other files.
    static func shards(_ path: String) -> [String] {
        guard ShardedSafetensors.isIndex(path), let file = try? MappedFile(path: path),
              let map = JSONText.object(file.bytes)?["weight_map"] as? [String: Any] else { return [] }
        let dir = AtomicFileWriter.split(path).0
        return Set(map.values.compactMap { $0 as? String }.filter { !$0.contains("/") }).sorted().map { dir + "/" + $0 }
    }

    /// The external data files an ONNX model names (resolved against its folder); none for other files.
    static func onnxExternalData(_ path: String) -> [String] {
        guard let file = try? MappedFile(path: path), file.size > 0,
              ModelFormat.sniff(Array(file.bytes.prefix(16))) == .onnx,
              let stripped = try? ONNXWire.stripRawData(file.bytes, path: path),
              let model = try? Onnx_ModelProto(serializedBytes: stripped.message) else { return [] }
        let dir = AtomicFileWriter.split(path).0
        var seen = Set<String>()
        for t in model.graph.initializer where t.dataLocation == .external {
            if let location = t.externalData.first(where: { $0.key == "location" })?.value, !location.isEmpty {
                seen.insert(location.hasPrefix("/") ? location : dir + "/" + location)
            }
        }
        return seen.sorted()
    }
}
