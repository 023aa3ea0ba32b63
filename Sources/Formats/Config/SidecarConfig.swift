import Foundation
import Graph

/// What happens to the `config.json` beside a model output (timm and transformers read it; vitopt
/// reads the config from the model's own metadata first). One rule for every writer:
///
/// - none there: written, in the same commit as the model (`AtomicFileSet`);
/// - it is an input's (the output shares a folder with an input model): never touched — it keeps
///   describing that input; the output's config is in its metadata;
/// - it describes the same architecture (width, depth, heads, classes): replaced in the same commit;
/// - it describes another model, or cannot be read: the command is refused before writing anything
///   (`OutputError.staleConfig`), so a folder never pairs a model with another model's config.
public enum SidecarConfig {
    public enum Action: Equatable, Sendable {
        case write(String)
        case replace(String)
        /// Not written; the reason is for the user.
        case keep(String, reason: String)
        case skip(reason: String)

        /// The path written, when one is.
        public var writtenPath: String? {
            switch self {
            case .write(let p), .replace(let p): return p
            case .keep, .skip: return nil
            }
        }
    }

    /// The `config.json` path beside `output`.
    public static func path(besides output: String) -> String {
        AtomicFileWriter.split(output).0 + "/config.json"
    }

    /// Decides for a model of `config` written to `output`.
    /// - Parameters:
    ///   - enabled: false for `--no-config-json` (then `.skip`).
    ///   - inputs: the command's inputs; a `config.json` that is one of them is kept.
    /// - Throws: `OutputError.staleConfig` when the existing `config.json` describes another model.
    public static func decide(output: String, config: ViTConfig, enabled: Bool = true,
                              inputs: OutputGuard = OutputGuard()) throws -> Action {
        let path = path(besides: output)
        guard enabled else { return .skip(reason: "--no-config-json") }
        if let input = inputs.input(matching: path) {
            return .keep(path, reason: "\(path) is \(input.role) and is left unchanged; the output's config is in its metadata")
        }
        guard FileManager.default.fileExists(atPath: path) else { return .write(path) }
        guard let hints = try? ConfigSources.sidecarHints(for: output) else {
            throw OutputError.staleConfig(path: path, detail: "exists but cannot be read as a model config; remove it, write to another folder, or pass --no-config-json")
        }
        guard describesSameArchitecture(hints, config) else {
            let found = [("width", hints.embedDim), ("depth", hints.depth), ("heads", hints.numHeads), ("classes", hints.numClasses)]
                .compactMap { n, v in v.map { "\(n) \($0)" } }.joined(separator: ", ")
            throw OutputError.staleConfig(path: path, detail: "describes another model (\(found.isEmpty ? "no architecture" : found); the output has width \(config.embedDim), depth \(config.depth), heads \(config.numHeads), classes \(config.numClasses)); remove it, write to another folder, or pass --no-config-json")
        }
        return .replace(path)
    }

    /// Whether `hints` (read from a `config.json`) are of this architecture (width, depth, heads and
    /// classes agree where stated, at least one of width and depth stated), at any image size.
    static func describesSameArchitecture(_ h: ConfigHints, _ c: ViTConfig) -> Bool {
        func same(_ hint: Int?, _ v: Int) -> Bool { hint == nil || hint == v }
        return same(h.embedDim, c.embedDim) && same(h.depth, c.depth) && same(h.numHeads, c.numHeads)
            && same(h.numClasses, c.numClasses) && (h.embedDim != nil || h.depth != nil)
    }
}
