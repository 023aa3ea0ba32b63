import ArgumentParser
import Foundation
import Formats
import Graph

/// The ONNX cases of `vitopt convert`: writing `.onnx`, and converting an imported graph that is
/// not a recognised ViT (its tensors keep their ONNX names, with a warning).
enum ONNXConvert {
    /// Returns true when it handled the conversion.
    static func handle(_ loaded: LoadedModel, output: String, format: ModelFormat, naming: NamingConvention, opset: Int,
                       externalData: Bool, inputs: OutputGuard) throws -> Bool {
        if format == .onnx {
            guard loaded.recognized else {
                throw ValidationError("\(loaded.path) is not a recognised ViT; only recognised models are re-exported to ONNX")
            }
            let s = try ONNXModelSaver.save(loaded.model, to: output, naming: naming, opset: opset, externalData: externalData ? true : nil,
                                            inputs: inputs)
            print("wrote \(output): onnx opset \(opset), \(naming.rawValue) parameter names, input pixel_values [batch,…]")
            print("  \(s.tensors) initializers, \(String(format: "%.2f MB", Double(s.bytes) / 1e6))\(s.externalDataPath.map { ", tensors in \($0)" } ?? "")")
            return true
        }
        guard !loaded.recognized else { return false }
        guard format == .safetensors else { throw ValidationError("cannot write \(format.rawValue)") }
        Console.warn("\(loaded.path) is not a recognised ViT: writing its \(loaded.rawTensors.count) initializers under their ONNX names (no naming convention applies)")
        var outputs = inputs
        try outputs.claim(output)
        let bytes = try SafetensorsWriter.write(loaded.rawTensors, metadata: ["format": "pt"], to: output)
        print("wrote \(output): safetensors, ONNX initializer names")
        print("  \(loaded.rawTensors.count) tensors written, \(String(format: "%.2f MB", Double(bytes) / 1e6))")
        return true
    }

    /// `convert MODEL folder/ --to onnx`: the Optimum-style folder (`ONNXFolderSaver`).
    static func writeFolder(_ loaded: LoadedModel, folder: String, naming: NamingConvention, opset: Int, externalData: Bool,
                            inputs: OutputGuard, json: Bool) throws {
        guard loaded.recognized else {
            throw ValidationError("\(loaded.path) is not a recognised ViT; only recognised models are re-exported to ONNX")
        }
        let t0 = Date()
        let s = try ONNXFolderSaver.save(loaded.model, folder: folder, naming: naming, opset: opset,
                                         externalData: externalData ? true : nil, inputs: inputs)
        for w in s.warnings { Console.warn(w) }
        if json {
            var object: [String: Any] = [
                "input": loaded.path, "output": s.modelPath, "format": "onnx", "opset": opset, "naming": naming.rawValue,
                "tensors_written": s.export.tensors, "bytes": s.export.bytes, "seconds": Date().timeIntervalSince(t0),
                "warnings": s.warnings,
            ]
            if let c = s.configPath { object["config"] = c }
            if let p = s.preprocessorPath { object["preprocessor_config"] = p }
            if let d = s.export.externalDataPath { object["external_data"] = d }
            try JSONReport.print(object)
            return
        }
        print("wrote \(s.modelPath): onnx opset \(opset), \(naming.rawValue) parameter names, input pixel_values [batch,…]")
        print("  \(s.export.tensors) initializers, \(String(format: "%.2f MB", Double(s.export.bytes) / 1e6))\(s.export.externalDataPath.map { ", tensors in \($0)" } ?? "")")
        if let c = s.configPath { print("  config: \(c)") }
        if let p = s.preprocessorPath {
            print("  image processor: \(p) (\(ImageProcessorConfig.processorClass(for: loaded.model.config.preprocessing)))")
        }
    }
}
