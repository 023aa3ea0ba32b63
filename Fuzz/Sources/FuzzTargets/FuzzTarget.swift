/// The readers under fuzzing. Each case feeds one input to one reader and touches what it returns;
/// Fuzz/README.md lists what each covers and its input layout.
///
/// A reader has a fast *parse* target (named after it: the bytes in memory, every header, size and
/// data range validated and every tensor touched) and, where loading does more, a *load* target
/// (`<reader>-load`: the whole model load path — naming, config, validation; ONNX shape folding and
/// the passes). Both share the reader's folder (`Fuzz/<reader>/`: seeds, dictionary, regressions)
/// and its corpus, since they read the same files.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case safetensors
    case safetensorsLoad = "safetensors-load"
    case sharded
    case onnx
    case onnxLoad = "onnx-load"
    case hdf5
    case hdf5Load = "hdf5-load"
    case pytorch
    case pytorchLoad = "pytorch-load"
    case npy, image
    case config
    case configLoad = "config-load"

    /// The reader's folder under `Fuzz/` (and its corpus's name): the parse target's name.
    public var folder: String {
        switch self {
        case .safetensorsLoad: return "safetensors"
        case .onnxLoad: return "onnx"
        case .hdf5Load: return "hdf5"
        case .pytorchLoad: return "pytorch"
        case .configLoad: return "config"
        default: return rawValue
        }
    }

    /// The target that runs the most of the reader's code for its folder: a crash reproducer in
    /// `regressions/` must be refused by it.
    public var isDeepest: Bool {
        switch self {
        case .safetensors, .onnx, .hdf5, .pytorch, .config: return false
        default: return true
        }
    }

    /// Feeds `bytes` to the reader.
    /// - Returns: `.accepted` or `.rejected` — both are correct behaviour for hostile input; a trap,
    ///   hang or runaway allocation inside is the finding.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        switch self {
        case .safetensors: return SafetensorsFuzz.parse(bytes)
        case .safetensorsLoad: return SafetensorsFuzz.load(bytes)
        case .sharded: return ShardedFuzz.run(bytes)
        case .onnx: return ONNXFuzz.parse(bytes)
        case .onnxLoad: return ONNXFuzz.load(bytes)
        case .hdf5: return HDF5Fuzz.parse(bytes)
        case .hdf5Load: return HDF5Fuzz.load(bytes)
        case .pytorch: return PyTorchFuzz.parse(bytes)
        case .pytorchLoad: return PyTorchFuzz.load(bytes)
        case .npy: return NpyFuzz.run(bytes)
        case .image: return ImageFuzz.run(bytes)
        case .config: return ConfigFuzz.parse(bytes)
        case .configLoad: return ConfigFuzz.load(bytes)
        }
    }
}
