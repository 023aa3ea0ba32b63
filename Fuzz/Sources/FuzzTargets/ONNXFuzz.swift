import Formats

/// ONNX. `parse`: from memory, protobuf decoding, opset and IR checks, every initializer decoded
/// (sizes against payloads) and touched, every node translated into the IR (arity, attributes).
/// External data is looked up beside a name in a folder that does not exist, so it is refused.
/// `load`: `ModelLoader.load` of the file written to disk — the path every CLI command takes for an
/// `.onnx` file: the same, then shape folding, the pattern passes and ViT recognition.
enum ONNXFuzz {
    static let name = FuzzScratch.virtualPath("model.onnx")

    static func parse(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try ONNXFile(bytes: bytes, name: name)
            TensorTouch.touch(file.graph.initializers.values)
        }
    }

    static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("onnx", "model.onnx")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let loaded = try ModelLoader.load(path)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
