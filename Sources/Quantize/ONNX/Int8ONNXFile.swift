import Foundation
import Formats
import Graph

/// vitopt's int8 models as ONNX: every int8 Linear lowered to standard integer operators (see
/// `Int8ONNXLowering`), everything else fp32 as `ONNXExporter` writes it, and the scheme in the
/// model's `metadata_props` (`vitopt.quantization`: the same JSON as int8 safetensors files, plus
/// `vitopt.config` and `vitopt.naming`). ONNX Runtime runs these files; vitopt re-imports them
/// (`Int8ONNXPatterns` maps each lowered chain back onto its packed int8 kernel).
public enum Int8ONNXFile {
    /// Writes `result` (quantized without fusion) from `loaded` to `path`, atomically.
    /// - Parameter inputs: the command's inputs (`loaded`'s file is added): `path` must not be one
    ///   of them (`OutputError`, thrown before anything is written).
    /// - Throws: `QuantizeError.export` for a fused graph, `FormatError` for the exporter's errors.
    @discardableResult
    public static func save(_ result: DynamicQuantization.Result, from loaded: LoadedModel, to path: String,
                            opset: Int = ONNXExporter.defaultOpset, inputs: OutputGuard = OutputGuard()) throws -> ONNXExporter.Summary {
        var outputs = inputs
        outputs.protectModel(loaded.path)
        try outputs.claim(path)
        var g = try Int8ONNXLowering.lower(result.graph)
        g.name = (path as NSString).lastPathComponent
        if loaded.recognized {
            g.metadata[ConfigSources.metadataKey] = ConfigSources.metadataValue(loaded.model.config)
            g.metadata[ConfigSources.namingKey] = loaded.convention.rawValue
        }
        return try ONNXExporter.write(g, to: path, opset: opset, externalData: false, registry: .int8)
    }

    /// Whether `path` names an ONNX file (by extension).
    public static func isONNXPath(_ path: String) -> Bool { path.lowercased().hasSuffix(".onnx") }
}
