import Foundation
import Graph

/// Collects `ConfigHints` for a model file from the files beside it and its own metadata.
public enum ConfigSources {
    /// Metadata key holding vitopt's full config as JSON.
    public static let metadataKey = "vitopt.config"
    /// Metadata key naming the convention the file was written in.
    public static let namingKey = "vitopt.naming"

    /// Hints from `config.json` (Hugging Face or timm hub format) and `preprocessor_config.json`
    /// in the model's directory, when present.
    /// - Throws: `FormatError.config` for a config file that exists but is malformed or not a ViT.
    public static func sidecarHints(for modelPath: String) throws -> ConfigHints {
        let dir = (modelPath as NSString).deletingLastPathComponent
        let configPath = (dir.isEmpty ? "." : dir) + "/config.json"
        let ppPath = (dir.isEmpty ? "." : dir) + "/preprocessor_config.json"
        guard let config = try readFile(configPath) else {
            // OpenCLIP's hub layout names its config open_clip_config.json.
            let openclipPath = (dir.isEmpty ? "." : dir) + "/open_clip_config.json"
            guard let oc = try readFile(openclipPath) else { return ConfigHints() }
            return try sidecarHints(config: oc, configName: openclipPath, preprocessor: { nil }, preprocessorName: ppPath)
        }
        return try sidecarHints(config: config, configName: configPath, preprocessor: { try readFile(ppPath) }, preprocessorName: ppPath)
    }

    /// Hints from vitopt's own metadata entry, when present.
    public static func metadataHints(_ metadata: [String: String], path: String) throws -> ConfigHints? {
        guard let text = metadata[metadataKey] else { return nil }
        let config: ViTConfig
        do {
            config = try JSONDecoder().decode(ViTConfig.self, from: Data(text.utf8))
        } catch {
            throw FormatError.config(path: path, detail: "metadata '\(metadataKey)' is not a valid vitopt config: \(error)")
        }
        // Decoded values are untrusted: sizes, eps and the preprocessing recipe are range-checked.
        do { try config.validate() } catch let e as ViTError {
            throw FormatError.config(path: path, detail: "metadata '\(metadataKey)': \(e.description)")
        }
        return hints(from: config, source: "\(path) (\(metadataKey))")
    }

    /// A complete config expressed as hints (every field set).
    public static func hints(from c: ViTConfig, source: String) -> ConfigHints {
        var h = ConfigHints()
        h.numHeads = c.numHeads
        h.eps = c.eps
        h.imageSize = c.imageSize
        h.patchSize = c.patchSize
        h.embedDim = c.embedDim
        h.depth = c.depth
        h.mlpHidden = c.mlpHidden
        h.numClasses = c.numClasses
        h.globalPool = c.globalPool
        h.classToken = c.classToken
        h.regTokens = c.regTokens
        h.posEmbedIncludesPrefix = c.posEmbedIncludesPrefix
        h.activation = c.activation
        h.family = c.family
        h.positionResample = c.positionResample
        h.rope = c.rope
        h.labels = c.labels
        h.preprocessing = c.preprocessing
        h.sources = [source]
        return h
    }

    /// The config serialised for `metadataKey`.
    public static func metadataValue(_ config: ViTConfig) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(config)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The bytes of `path`, or nil when there is no such file.
    private static func readFile(_ path: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError.io(path: path, detail: "cannot read")
        }
        return data
    }
}
