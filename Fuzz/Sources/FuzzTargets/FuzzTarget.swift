/// The readers under fuzzing. Each case feeds one input to one reader and touches what it returns;
/// Fuzz/README.md lists what each covers and its input layout.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case safetensors, sharded, onnx, hdf5, pytorch, npy, image, config

    /// Feeds `bytes` to the reader.
    /// - Returns: `.accepted` or `.rejected` — both are correct behaviour for hostile input; a trap,
    ///   hang or runaway allocation inside is the finding.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        switch self {
        case .safetensors: return SafetensorsFuzz.run(bytes)
        case .sharded: return ShardedFuzz.run(bytes)
        case .onnx: return ONNXFuzz.run(bytes)
        case .hdf5: return HDF5Fuzz.run(bytes)
        case .pytorch: return PyTorchFuzz.run(bytes)
        case .npy: return NpyFuzz.run(bytes)
        case .image: return ImageFuzz.run(bytes)
        case .config: return ConfigFuzz.run(bytes)
        }
    }
}
