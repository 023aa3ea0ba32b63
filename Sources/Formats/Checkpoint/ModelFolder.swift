import Foundation

/// A model folder as `save_pretrained`, timm's `save_for_hf` and Optimum write it: `config.json`
/// beside one weights file (or a sharded index). `resolve` names the file vitopt reads from it.
public enum ModelFolder {
    /// Weights files looked for, in order of preference.
    public static let weightFiles = [
        "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "model.onnx",
        "tf_model.h5", "model.h5", "open_clip_model.safetensors", "open_clip_pytorch_model.bin", "model.pt", "model.pth",
    ]

    /// Whether `path` is a directory.
    public static func isFolder(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// The weights file inside the folder `path`: the first of `weightFiles` present, else the only
    /// `.safetensors`, `.onnx`, `.bin`, `.pt`, `.pth` or `.h5` file.
    /// - Throws: `FormatError.notRecognized` listing what the folder holds when nothing (or more than
    ///   one candidate) fits.
    public static func resolve(_ path: String) throws -> String {
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: base).sorted()
        } catch {
            throw FormatError.io(path: path, detail: "cannot list the folder: \(error.localizedDescription)")
        }
        let present = Set(entries)
        if let name = weightFiles.first(where: present.contains) { return "\(base)/\(name)" }
        let extensions = [".safetensors", ".onnx", ".bin", ".pt", ".pth", ".h5", ".hdf5"]
        let candidates = entries.filter { name in extensions.contains { name.lowercased().hasSuffix($0) } }
        if candidates.count == 1 { return "\(base)/\(candidates[0])" }
        let listing = entries.prefix(10).joined(separator: ", ") + (entries.count > 10 ? ", …" : "")
        if candidates.isEmpty {
            throw FormatError.notRecognized(path: path, detail: "a folder with no weights file (looked for \(weightFiles.prefix(4).joined(separator: ", ")), …); it holds: \(listing.isEmpty ? "nothing" : listing)")
        }
        throw FormatError.notRecognized(path: path, detail: "a folder with several weights files (\(candidates.joined(separator: ", "))); name the one to use")
    }

    /// Whether the output `path` names a model folder: it ends in `/` or is an existing folder.
    /// (`vitopt convert` then writes the weights file named as transformers and Optimum name it,
    /// with `config.json` and, for Hugging Face configs, `preprocessor_config.json` beside it.)
    public static func isOutputFolder(_ path: String) -> Bool {
        path.hasSuffix("/") || isFolder(path)
    }

    /// The weights file written into the output folder `folder`: `model.safetensors`,
    /// `model.onnx`, `tf_model.h5` (Keras layout) or `model.h5`.
    public static func outputFile(in folder: String, format: ModelFormat, kerasLayout: Bool = false) -> String {
        var base = folder
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        let name: String
        switch format {
        case .safetensors, .pytorch: name = "model.safetensors"
        case .onnx: name = "model.onnx"
        case .hdf5: name = kerasLayout ? "tf_model.h5" : "model.h5"
        }
        return (base == "/" ? "" : base) + "/" + name
    }
}
