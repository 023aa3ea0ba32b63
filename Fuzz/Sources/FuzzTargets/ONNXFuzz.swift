import Formats

/// ONNX: protobuf decoding, initializers (including external data, confined to the file's folder),
/// the graph → IR, shape folding, the pattern passes and ViT recognition — `ModelLoader.load`, the
/// path every CLI command takes for an `.onnx` file.
enum ONNXFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("onnx", "model.onnx")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let loaded = try ModelLoader.load(path)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
