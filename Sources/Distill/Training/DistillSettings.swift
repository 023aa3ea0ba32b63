/// Everything that determines a training run's result (saved in checkpoints: a resume must match).
public struct DistillSettings: Codable, Sendable, Equatable {
    public var epochs = 10
    public var batch = 64
    public var lr = 1e-3
    public var minLR = 1e-5
    /// Warmup steps (linear from lr/warmup to lr), then cosine to `minLR`.
    public var warmupSteps = 0
    public var weightDecay = 0.05
    /// Global gradient-norm limit; nil disables clipping.
    public var clipNorm: Double? = 1.0
    public var loss = DistillLoss()
    public var augment = Augmenter(minScale: nil, flip: false)
    public var seed: UInt64 = 0

    public init() {}

    /// Steps per epoch for `samples` (the last partial batch is dropped, so every step has the same shape).
    public func stepsPerEpoch(_ samples: Int) -> Int { samples / batch }
}

