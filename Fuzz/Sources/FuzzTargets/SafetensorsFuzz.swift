import Formats

/// Safetensors. `parse`: the header (JSON, dtypes, shapes, offsets) and every tensor it describes,
/// from memory. `load`: the same, then the model load path the CLI takes for a `.safetensors` file
/// (naming detection, config resolution from the file's metadata, validation) — also in memory:
/// the file's name lies in a folder that does not exist, so no `config.json` is found beside it.
enum SafetensorsFuzz {
    static let name = FuzzScratch.virtualPath("model.safetensors")

    static func parse(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try SafetensorsFile(bytes: bytes, name: name)
            TensorTouch.touch(file.tensors.values)
        }
    }

    static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try SafetensorsFile(bytes: bytes, name: name)
            let loaded = try ModelLoader.fromTensors(file.tensors, metadata: file.metadata, path: name, format: .safetensors,
                                                     fileSize: file.fileSize, hints: ConfigHints(), naming: nil)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
