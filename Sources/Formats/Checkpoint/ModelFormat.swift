/// File formats vitopt recognises, detected from a file's first bytes (not its name).
public enum ModelFormat: String, Sendable, CaseIterable {
    case safetensors
    case onnx
    case hdf5
    /// A `torch.save` checkpoint (`pytorch_model.bin`, `.pt`, `.pth`): read, never written.
    case pytorch

    /// The formats vitopt writes.
    public static let writable: [ModelFormat] = [.safetensors, .onnx, .hdf5]

    /// The format of a file starting with `bytes`, or `nil`.
    public static func sniff(_ bytes: [UInt8]) -> ModelFormat? {
        if SafetensorsFile.sniff(bytes) { return .safetensors }
        if bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return .hdf5 }
        if TorchCheckpoint.sniff(bytes) { return .pytorch }
        if ONNXFile.sniff(bytes) { return .onnx }
        return nil
    }

    /// The format implied by a path's extension, for outputs.
    public static func fromExtension(_ path: String) -> ModelFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".safetensors") { return .safetensors }
        if lower.hasSuffix(".onnx") { return .onnx }
        if lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") { return .hdf5 }
        if lower.hasSuffix(".bin") || lower.hasSuffix(".pt") || lower.hasSuffix(".pth") { return .pytorch }
        return nil
    }
}
