import Quantize

/// The int8 lines `inspect` prints for a quantized file.
enum Int8Summary {
    static func text(_ m: Int8ModelFile.Model) -> String {
        let int8Bytes = m.result.layers.reduce(0) { $0 + $1.inFeatures * $1.outFeatures }
        let kind = m.activations == .calibrated ? "static int8" : "dynamic int8"
        var lines = ["quantization: \(kind) — weights int8 symmetric per output channel, activations u8 \(m.activations.rawValue)",
                     "  \(m.result.layers.count) int8 Linear layer(s), \(int8Bytes) int8 weight bytes; fused producers: \(m.result.fused.count)"]
        if !m.result.kept.isEmpty { lines.append("  fp32 Linear layers: " + m.result.kept.map(\.node).joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// For an imported dynamically quantized ONNX model.
    static func text(_ q: Int8ONNXPatterns.Result, metadata: [String: String]) -> String {
        var lines = ["quantization: integer ONNX (DynamicQuantizeLinear/MatMulInteger/ConvInteger, or QDQ) — \(q.rewritten.count) layer(s) on vitopt's packed int8 kernel, \(q.kept.count) on the generic kernels"]
        if let m = metadata[DynamicQuantization.metadataKey] { lines.append("  written by vitopt: \(m.prefix(120))") }
        if let k = q.kept.first { lines.append("  generic: \(k.node) (\(k.reason))\(q.kept.count > 1 ? " and \(q.kept.count - 1) more" : "")") }
        return lines.joined(separator: "\n")
    }

    /// The same facts as `text`, for `inspect --json`.
    static func fields(_ m: Int8ModelFile.Model) -> [String: Any] {
        [
            "scheme": m.activations == .calibrated ? "static int8" : "dynamic int8", "weights": "int8 symmetric per output channel", "activations": "u8 \(m.activations.rawValue)",
            "int8_layers": m.result.layers.count, "int8_weight_bytes": m.result.layers.reduce(0) { $0 + $1.inFeatures * $1.outFeatures },
            "fused_producers": m.result.fused.count, "fp32_layers": m.result.kept.map(\.node),
        ]
    }

    static func fields(_ q: Int8ONNXPatterns.Result, metadata: [String: String]) -> [String: Any] {
        var f: [String: Any] = [
            "scheme": "integer ONNX (DynamicQuantizeLinear/MatMulInteger/ConvInteger, or QDQ)",
            "packed_layers": q.rewritten.count, "generic_layers": q.kept.map { ["node": $0.node, "reason": $0.reason] },
        ]
        if let m = metadata[DynamicQuantization.metadataKey] { f["written_by_vitopt"] = m }
        return f
    }
}
