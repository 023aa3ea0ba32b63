import ArgumentParser
import Foundation
import Formats
import Quantize

/// `vitopt convert model.int8.safetensors model.onnx`: a vitopt int8 file written as int8 ONNX
/// (standard integer operators, see `Int8ONNXFile`), the int8 weights and scales exactly as stored.
enum Int8ONNXConvert {
    /// Returns true when `input` is a vitopt int8 file and the conversion was done.
    /// - Throws: `ValidationError` for an int8 input and a non-ONNX output.
    static func handle(input: String, output: String, format: ModelFormat, opset: Int, options: ModelOptions,
                       inputs: OutputGuard) throws -> Bool {
        guard Int8ModelFile.isQuantized(input) else { return false }
        guard format == .onnx else {
            throw ValidationError("\(input) is an int8 model: it converts to .onnx only (quantize the fp32 model for other formats)")
        }
        var hints = ConfigHints()
        hints.numHeads = options.heads
        hints.eps = options.eps
        hints.sources = ["command line"]
        let m = try Int8ModelFile.load(input, hints: hints, fuse: false)
        let s = try Int8ONNXFile.save(m.result, from: m.loaded, to: output, opset: opset, inputs: inputs)
        print("wrote \(output): int8 onnx opset \(opset), \(m.result.layers.count) integer Linear layer(s), activations \(m.activations.rawValue)")
        print("  \(s.tensors) initializers, \(String(format: "%.2f MB", Double(s.bytes) / 1e6))")
        return true
    }
}
