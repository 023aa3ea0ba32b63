import Formats

/// PyTorch `torch.save` checkpoints: the ZIP directory, the restricted unpickler of `data.pkl`
/// (opcodes, the allowed globals, nested state dicts), tensor storages and strides (every tensor read),
/// then the model load path with the head count given (as `--heads 2`: a bare state dict does not say
/// it, and without it every input would stop at config resolution).
enum PyTorchFuzz {
    static let hints: ConfigHints = {
        var h = ConfigHints()
        h.numHeads = 2
        return h
    }()

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("pytorch", "model.pth")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let file = try TorchCheckpoint(path: path)
            TensorTouch.touch(file.tensors.values)
            let loaded = try ModelLoader.load(path, hints: hints)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
