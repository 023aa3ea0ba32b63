import Foundation
import Graph

/// Writes a resized model in its input's format and naming; `config.json` follows `SidecarConfig`
/// (timm and transformers read it; vitopt reads its own metadata first):
///
/// - output in the input's directory: the `config.json` there describes the input and is left
///   alone (rewriting it would break the input for timm/transformers); none is written if absent
///   either (the input would then pick it up). The output's config is in its metadata.
/// - output in another directory: `config.json` is written; an existing one is replaced when it
///   describes the same architecture (a copy of the input's, or an earlier resize), and the command
///   is refused (`OutputError.staleConfig`, nothing written) when it describes another model.
public enum ResizedCheckpoint {
    /// What happened to `config.json`.
    public enum ConfigAction: Equatable, Sendable {
        case written(String), replaced(String), skipped(reason: String)
    }

    /// - Parameter inputs: the command's inputs (the input model is added): no output replaces one.
    /// - Throws: `FormatError` when the output's extension names another format than the input's,
    ///   or the format cannot be written; `OutputError` (nothing written) for an output that would
    ///   replace an input, or a `config.json` of another model beside the output.
    public static func save(_ model: ViTDescription, input: LoadedModel, to output: String,
                            writeConfigJSON: Bool = true, inputs: OutputGuard = OutputGuard()) throws -> (ModelSaver.Summary, ConfigAction) {
        if let ext = ModelFormat.fromExtension(output), ext != input.format {
            throw FormatError.unsupported(path: output, detail: "resize-pos writes the input's format (\(input.format.rawValue)); the extension says \(ext.rawValue) — resize first, then use vitopt convert")
        }
        var guarded = inputs
        guarded.protectModel(input.path)
        let inDir = directory(of: input.path), outDir = directory(of: output)
        let configPath = outDir + "/config.json"
        // Beside the input, no config.json is created either: the input would pick it up.
        let write = writeConfigJSON && inDir != outDir
        let summary = try ModelSaver.save(model, to: output, naming: input.convention, format: input.format,
                                          writeConfigJSON: write, inputs: guarded)
        let action: ConfigAction
        switch summary.configAction {
        case .write(let p): action = .written(p)
        case .replace(let p): action = .replaced(p)
        case .keep, .skip:
            if !writeConfigJSON {
                action = .skipped(reason: "--no-config-json")
            } else {
                let exists = FileManager.default.fileExists(atPath: configPath)
                action = .skipped(reason: "the output shares its directory with the input, whose config.json \(exists ? "is kept" : "must not be created"); the new config is in the output's metadata — write to a directory of its own to get a config.json for timm/transformers")
            }
        }
        var s = summary
        s.warnings.removeAll { $0.contains("is left unchanged; the output's config is in its metadata") }
        return (s, action)
    }

    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return URL(fileURLWithPath: dir.isEmpty ? "." : dir).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
