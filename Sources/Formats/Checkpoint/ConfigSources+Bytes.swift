import Foundation

extension ConfigSources {
    /// Hints from the bytes of a `config.json` (Hugging Face, timm hub or OpenCLIP format) and, for a Hugging
    /// Face config, of its `preprocessor_config.json` — the files `sidecarHints(for:)` reads, parsed
    /// the same way (it calls this). Errors name `configName` or `preprocessorName`.
    /// - Parameter preprocessor: the preprocessor file's bytes, or nil when there is none; asked only
    ///   when the config is a Hugging Face one (a timm config ignores the file, even a broken one).
    /// - Throws: `FormatError.config` for a config that is malformed or not a ViT's.
    public static func sidecarHints(config: Data, configName: String, preprocessor: () throws -> Data?,
                                    preprocessorName: String) throws -> ConfigHints {
        let json = try jsonObject(config, name: configName)
        if OpenCLIPConfig.recognises(json) {
            return try OpenCLIPConfig.hints(from: json, path: configName)
        }
        if HFConfigParser.recognises(json) {
            var hints = try HFConfigParser.hints(from: json, path: configName)
            if let data = try preprocessor() {
                let pp = try jsonObject(data, name: preprocessorName)
                if let p = try HFConfigParser.preprocessing(from: pp, imageSize: hints.imageSize, path: preprocessorName) {
                    hints.preprocessing = p
                    hints.sources.append(preprocessorName)
                }
            }
            return hints
        }
        if TimmConfigParser.recognises(json) {
            return try TimmConfigParser.hints(from: json, path: configName)
        }
        throw FormatError.config(path: configName, detail: "neither a Hugging Face nor a timm config (no model_type, hidden_size or architecture)")
    }

    /// `data` as a JSON object.
    private static func jsonObject(_ data: Data, name: String) throws -> [String: Any] {
        guard let obj = try? JSONSerialization.jsonObject(with: data), let dict = obj as? [String: Any] else {
            throw FormatError.config(path: name, detail: "not a JSON object")
        }
        return dict
    }
}
