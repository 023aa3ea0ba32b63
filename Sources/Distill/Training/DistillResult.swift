/// What a distillation run (`StudentTrainer.train`) did: steps, losses, throughput and memory.
public struct DistillResult: Sendable {
    public var steps: Int
    public var firstLoss: Double?
    public var lastLoss: Double?
    public var imagesPerSecond: Double
    public var peakRSS: Int
    public var activationBytes: Int
    public var skipped: [String]
}
