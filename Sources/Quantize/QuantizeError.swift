/// Errors of quantization: the pass, int8 kernels and int8 model files. Each case names the file,
/// node or tensor at fault and what was expected.
public enum QuantizeError: Error, Equatable, CustomStringConvertible {
    /// A forced kernel path is unknown or unsupported on this CPU.
    case kernel(String)
    /// The model is already quantized.
    case alreadyQuantized(path: String)
    /// A weight cannot be quantized (dtype, shape, non-finite values).
    case unsupportedWeight(node: String, tensor: String, detail: String)
    /// An `--exclude` pattern that is malformed or matches nothing.
    case pattern(String)
    /// Nothing was quantized.
    case nothingToQuantize(String)
    /// An int8 model file is inconsistent.
    case file(path: String, tensor: String?, detail: String)

    /// An int8 graph cannot be written as ONNX, or an imported integer ONNX pattern is malformed.
    case export(node: String, detail: String)
    /// Static int8: calibration data or calibrated ranges are missing or unusable.
    case calibration(String)

    public var description: String {
        switch self {
        case .kernel(let d): return "int8 kernel: \(d)"
        case .alreadyQuantized(let p): return "\(p): already quantized (int8 weights and a vitopt.quantization entry in its metadata)"
        case .unsupportedWeight(let n, let t, let d): return "node '\(n)': weight '\(t)': \(d)"
        case .pattern(let d): return "exclude pattern: \(d)"
        case .nothingToQuantize(let d): return "nothing to quantize: \(d)"
        case .file(let p, let t?, let d): return "\(p): tensor '\(t)': \(d)"
        case .file(let p, nil, let d): return "\(p): \(d)"
        case .export(let n, let d): return "node '\(n)': \(d)"
        case .calibration(let d): return "calibration: \(d)"
        }
    }
}
