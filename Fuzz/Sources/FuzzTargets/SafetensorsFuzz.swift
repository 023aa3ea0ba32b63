import Formats

/// Safetensors: the header (JSON, dtypes, shapes, offsets) and the tensors it describes, then the
/// CLI's whole load path for a model file (naming detection, config resolution, validation).
enum SafetensorsFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("safetensors", "model.safetensors")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let file = try SafetensorsFile(path: path)
            TensorTouch.touch(file.tensors.values)
            let loaded = try ModelLoader.load(path)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
