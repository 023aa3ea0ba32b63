import ArgumentParser
import Distill

/// Optimisation and loss settings of `vitopt distill`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Epochs.") var epochs = 10
    @Option(help: "Batch size (the last partial batch of an epoch is dropped).") var batch = 64
    @Option(help: "Peak learning rate (AdamW).") var lr = 1e-3
    @Option(name: .customLong("min-lr"), help: "Learning rate at the end of the cosine decay.") var minLR = 1e-5
    @Option(help: "Linear warmup steps.") var warmup = 0
    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay (not on norms, biases, embeddings, tokens).")
    var weightDecay = 0.05
    @Option(help: "Clip the global gradient norm to this (0 disables).") var clip = 1.0
    @Option(help: "Weight of the distillation term: (1-α)·CE(labels) + α·distill. 0 trains on labels only.") var alpha = 0.5
    @Option(help: "Softmax temperature of the Hinton KD term.") var temperature = 1.0
    @Flag(help: "DeiT hard distillation: cross-entropy against the teacher's argmax.") var hard = false
    @Option(name: .customLong("crop-scale"), help: "Random resized crop with this minimum area fraction (0 disables).")
    var cropScale = 0.0
    @Flag(name: .customLong("flip"), help: "Random horizontal flips.") var flip = false
    @Option(help: "Seed for student init, sample order and augmentation.") var seed: UInt64 = 0

    func validate() throws {
        try OptionBounds.check(epochs, "--epochs", OptionBounds.epochs)
        try OptionBounds.check(batch, "--batch", OptionBounds.batch)
        if !(lr > 0) { throw ValidationError("--lr must be positive") }
        if !(0...1).contains(alpha) { throw ValidationError("--alpha must be in [0, 1]") }
        if !(temperature > 0) { throw ValidationError("--temperature must be positive") }
        if !(0..<1).contains(cropScale) { throw ValidationError("--crop-scale must be in [0, 1)") }
        if warmup < 0 || weightDecay < 0 || clip < 0 || minLR < 0 { throw ValidationError("--warmup, --weight-decay, --clip and --min-lr must not be negative") }
        do { try settings.validate() } catch let e as DistillError { throw ValidationError(e.description) }
    }

    var settings: DistillSettings {
        var s = DistillSettings()
        s.epochs = epochs; s.batch = batch; s.lr = lr; s.minLR = minLR; s.warmupSteps = warmup; s.weightDecay = weightDecay
        s.clipNorm = clip > 0 ? clip : nil
        s.loss = DistillLoss(kind: hard ? .hard : .soft, alpha: alpha, temperature: temperature)
        s.augment = Augmenter(minScale: cropScale > 0 ? cropScale : nil, flip: flip)
        s.seed = seed
        return s
    }
}
