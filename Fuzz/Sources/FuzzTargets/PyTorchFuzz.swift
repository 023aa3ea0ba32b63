import Formats

/// PyTorch `torch.save` checkpoints, from memory. `parse`: the ZIP directory, the restricted
/// unpickler of `data.pkl` (opcodes, the allowed globals, nested state dicts), tensor storages and
/// strides, every tensor read. `load`: the same, then the model load path with the head count given
/// (as `--heads 2`: a bare state dict does not say it, and without it every input would stop at
/// config resolution).
enum PyTorchFuzz {
    static let name = FuzzScratch.virtualPath("model.pth")

    static let hints: ConfigHints = {
        var h = ConfigHints()
        h.numHeads = 2
        return h
    }()

    static func parse(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try TorchCheckpoint(bytes: bytes, name: name)
            TensorTouch.touch(file.tensors.values)
        }
    }

    static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try TorchCheckpoint(bytes: bytes, name: name)
            let loaded = try ModelLoader.fromTensors(file.tensors, metadata: [:], path: name, format: .pytorch,
                                                     fileSize: file.fileSize, hints: hints, naming: nil)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
