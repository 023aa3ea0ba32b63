import Foundation
import Graph

/// Reads vitopt's own ONNX exports of a Swin back into a `SwinDescription`: the config from the
/// model's metadata (`vitopt.swin_config`), every parameter from the initializer of its canonical
/// name, bit for bit. Other tools' Swin exports are not recognised; they run as imported graphs.
enum SwinONNX {
    /// - Returns: nil when the graph carries no Swin config.
    /// - Throws: `FormatError` when the config is invalid or an initializer is missing or misshapen.
    static func recover(metadata: [String: String], initializers: [String: Tensor], path: String) throws -> SwinDescription? {
        guard let config = try SwinConfigFile.fromMetadata(metadata, path: path) else { return nil }
        let empty = SwinDescription(config: config, tensors: [:])
        do { try config.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
        var tensors: [String: Tensor] = [:]
        for (name, _) in empty.expected {
            guard let t = initializers[name] else { throw FormatError.tensor(path: path, tensor: name, detail: "missing from the ONNX initializers") }
            tensors[name] = t
        }
        let model = SwinDescription(config: config, tensors: tensors)
        do { try model.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
        return model
    }
}
