/// One optimisation step of a distillation run, as logged (`--log`, one JSON object per line).
public struct DistillStepLog: Codable, Sendable {
    public var epoch: Int
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var ce: Double?
    public var distill: Double
    public var lr: Double
    public var gradNorm: Double
    public var imagesPerSecond: Double
    public var elapsed: Double
    /// The process's peak resident set so far (bytes): after the first step, what a training batch needs.
    public var peakRSS: Int
    enum CodingKeys: String, CodingKey {
        case epoch, step, totalSteps = "total_steps", loss, ce, distill, lr, gradNorm = "grad_norm"
        case imagesPerSecond = "images_per_s", elapsed = "elapsed_s", peakRSS = "peak_rss_bytes"
    }
}
