import Foundation
import Graph

/// Writes a resized model in its input's format and naming, and decides what happens to
/// `config.json` (timm and transformers read it; vitopt reads its own metadata first):
///
/// - output in the input's directory: the `config.json` there describes the input and is left
///   alone (rewriting it would break the input for timm/transformers); none is written if absent
///   either (the input would then pick it up). The output's config is in its metadata.
/// - output in another directory: `config.json` is written; an existing one is replaced when it
///   describes the same architecture (a copy of the input's, or an earlier resize), and left with a
///   warning when it describes another model.
public enum ResizedCheckpoint {
    /// What happened to `config.json`.
    public enum ConfigAction: Equatable, Sendable {
        case written(String), replaced(String), skipped(reason: String)
    }

    /// - Throws: `FormatError` when the output's extension names another format than the input's,
    ///   or the format cannot be written.
    public static func save(_ model: ViTDescription, input: LoadedModel, to output: String,
                            writeConfigJSON: Bool = true) throws -> (ModelSaver.Summary, ConfigAction) {
        if let ext = ModelFormat.fromExtension(output), ext != input.format {
            throw FormatError.unsupported(path: output, detail: "resize-pos writes the input's format (\(input.format.rawValue)); the extension says \(ext.rawValue) — resize first, then use vitopt convert")
        }
        let inDir = directory(of: input.path), outDir = directory(of: output)
        let configPath = outDir + "/config.json"
        let exists = FileManager.default.fileExists(atPath: configPath)
        var action: ConfigAction
        var write = writeConfigJSON, replace = false
        if !writeConfigJSON {
            action = .skipped(reason: "--no-config-json")
        } else if inDir == outDir {
            write = false
            action = .skipped(reason: "the output shares its directory with the input, whose config.json \(exists ? "is kept" : "must not be created"); the new config is in the output's metadata — write to a directory of its own to get a config.json for timm/transformers")
        } else if exists {
            if describesSameArchitecture(configPath: configPath, output: output, model.config) {
                replace = true
                action = .replaced(configPath)
            } else {
                write = false
                action = .skipped(reason: "\(configPath) describes another model and was left unchanged; the new config is in the output's metadata")
            }
        } else {
            action = .written(configPath)
        }
        var summary = try ModelSaver.save(model, to: output, naming: input.convention, format: input.format,
                                          writeConfigJSON: write, replaceConfigJSON: replace)
        summary.warnings.removeAll { $0.hasSuffix("exists and was left unchanged (the config is also in the file's metadata)") }
        return (summary, action)
    }

    /// Whether the `config.json` at `configPath` is one of this architecture (width, depth, heads,
    /// classes agree), at whatever image size.
    static func describesSameArchitecture(configPath: String, output: String, _ c: ViTConfig) -> Bool {
        guard let h = try? ConfigSources.sidecarHints(for: output) else { return false }
        func same(_ hint: Int?, _ v: Int) -> Bool { hint == nil || hint == v }
        return same(h.embedDim, c.embedDim) && same(h.depth, c.depth) && same(h.numHeads, c.numHeads)
            && same(h.numClasses, c.numClasses) && (h.embedDim != nil || h.depth != nil)
    }

    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return URL(fileURLWithPath: dir.isEmpty ? "." : dir).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
