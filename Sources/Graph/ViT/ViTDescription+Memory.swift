extension ViTDescription {
    /// Bytes of the parameters `config` calls for as F32 (packed qkv), or `nil` when a shape or the
    /// total is not representable.
    public static func parameterBytes(_ config: ViTConfig) -> Int? {
        var shell = ViTDescription(config: config, tensors: [:])
        if config.depth > 0 { shell.tensors[ViTTensorKey(.qkvWeight, block: 0)] = Tensor(zeros: .f32, shape: [1]) }
        var total = 0
        for key in shell.requiredKeys {
            guard let bytes = Tensor.byteCount(dtype: .f32, shape: shell.expectedShape(key)) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(bytes)
            if overflow { return nil }
            total = sum
        }
        return total
    }

    /// Refuses, before anything is allocated, a model of `config` whose parameters, held `copies`
    /// times (the model, gradients, optimizer moments…), cannot fit in memory.
    /// - Throws: `TensorError.invalidSize` when the size is not representable, `.outOfMemory` when it
    ///   exceeds `MemoryBudget.available()`; both name `what`.
    public static func checkMemory(for config: ViTConfig, copies: Int = 1, what: String) throws {
        guard let one = parameterBytes(config), let bytes = Tensor.byteCount(dtype: .f32, shape: [one / 4, copies]) else {
            throw TensorError.invalidSize(what: what, shape: [config.numClasses, config.embedDim, config.depth], elementBytes: 4)
        }
        try MemoryBudget.check(bytes: bytes, for: what)
    }
}
