import Foundation
import Graph

/// Opens a model file of any supported format as a `LoadedModel`.
public enum ModelLoader {
    /// Loads `path`.
    /// - Parameters:
    ///   - hints: overrides from the command line; they win over the file's metadata and `config.json`.
    ///   - naming: force a naming convention instead of detecting it.
    ///   - hdf5Layout: for HDF5 files, force the layout instead of detecting it.
    /// - Throws: `FormatError` / `ViTError` naming the file and tensor at fault.
    public static func load(_ path: String, hints: ConfigHints = ConfigHints(), naming: NamingConvention? = nil,
                            hdf5Layout: HDF5Layout? = nil) throws -> LoadedModel {
        if ModelFolder.isFolder(path) {
            return try load(ModelFolder.resolve(path), hints: hints, naming: naming, hdf5Layout: hdf5Layout)
        }
        if ShardedSafetensors.isIndex(path) {
            let file = try ShardedSafetensors(path: path)
            return try fromTensors(file.tensors, metadata: file.metadata, path: path, format: .safetensors,
                                   fileSize: file.fileSize, hints: hints, naming: naming)
        }
        let head = try MappedFile(path: path).prefix(16)
        // An .onnx name whose bytes do not look like a ModelProto still goes to the ONNX reader, whose error is precise.
        guard let format = ModelFormat.sniff(head) ?? (path.lowercased().hasSuffix(".onnx") && !head.isEmpty ? .onnx : nil) else {
            if let image = ImageFormat.detect(head) {
                throw FormatError.notRecognized(path: path, detail: "this is a \(image.rawValue) image, not a model; images go to --input (or --data for a folder)")
            }
            if head.starts(with: [0x93] + Array("NUMPY".utf8)) {
                throw FormatError.notRecognized(path: path, detail: "this is a .npy array, not a model; arrays go to --input, --data or --labels")
            }
            let hex = head.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FormatError.notRecognized(path: path, detail: "first bytes \(hex) are not safetensors, ONNX, HDF5 or a PyTorch checkpoint")
        }
        switch format {
        case .safetensors:
            let file = try SafetensorsFile(path: path)
            return try fromTensors(file.tensors, metadata: file.metadata, path: path, format: .safetensors,
                                   fileSize: file.fileSize, hints: hints, naming: naming)
        case .hdf5:
            let file = try HDF5Checkpoint(path: path, layout: hdf5Layout)
            var loaded = try fromTensors(file.tensors, metadata: file.metadata, path: path, format: .hdf5, fileSize: file.fileSize,
                                         hints: hints, naming: file.layout == .plain ? naming : (naming ?? .hf))
            loaded.hdf5Layout = file.layout
            loaded.transposedOnRead = file.transposed
            return loaded
        case .onnx:
            return try ONNXLoader.load(path, hints: hints, naming: naming)
        case .pytorch:
            let file = try TorchCheckpoint(path: path)
            var loaded = try fromTensors(file.tensors, metadata: [:], path: path, format: .pytorch,
                                         fileSize: file.fileSize, hints: hints, naming: naming)
            loaded.warnings.append(contentsOf: file.notes)
            return loaded
        }
    }

    /// Builds a `LoadedModel` from named tensors (shared by every format's reader).
    public static func fromTensors(_ tensors: [String: Tensor], metadata: [String: String], path: String, format: ModelFormat,
                                   fileSize: Int, hints: ConfigHints, naming: NamingConvention?,
                                   canonicalLayout: Bool = false) throws -> LoadedModel {
        var forced = naming
        if forced == nil, let n = metadata[ConfigSources.namingKey] { forced = NamingConvention(rawValue: n) }
        if SwinNames.recognises(tensors.keys) {
            return try SwinCheckpoint.load(tensors, metadata: metadata, path: path, format: format, fileSize: fileSize, hints: hints, naming: forced)
        }
        if let why = UnsupportedFamilies.reason(tensors.keys) ?? HybridViTRefusal.reason(tensors.keys) {
            throw FormatError.unsupported(path: path, detail: why)
        }
        let match = try NamingMapper.match(tensors, path: path, forced: forced, canonicalLayout: canonicalLayout)
        // vitopt's own metadata is a complete config; config.json beside the file is read only without it.
        let base = try ConfigSources.metadataHints(metadata, path: path) ?? ConfigSources.sidecarHints(for: path)
        if let c = base.contradictions(by: hints).first {
            let source = base.sources.first ?? "the file's metadata"
            throw FormatError.config(path: path, detail: "\(c.flag) gives \(c.given), but \(source) says \(c.file); drop the flag or correct the file")
        }
        let merged = base.overridden(by: hints)
        let (config, warnings0) = try ConfigResolver.resolve(tensors: match.tensors, hints: merged, convention: match.convention,
                                                                 family: match.family, path: path)
        var warnings = warnings0
        if !match.unmatched.isEmpty {
            let names = match.unmatched.keys.sorted()
            warnings.append("\(names.count) tensor(s) are not ViT parameters and are carried through unchanged: \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")")
        }
        let model = ViTDescription(config: config, tensors: match.tensors, sourceNames: match.sourceNames, extras: match.unmatched)
        do {
            try model.validate()
        } catch let e as ViTError {
            throw FormatError.config(path: path, detail: e.description)
        }
        return LoadedModel(path: path, format: format, convention: match.convention, prefix: match.prefix, model: model,
                           metadata: metadata, warnings: warnings, fileSize: fileSize)
    }
}
