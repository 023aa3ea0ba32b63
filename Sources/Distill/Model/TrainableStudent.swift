import Graph

/// What the distillation loop (`StudentTrainer`), checkpoints and the per-epoch evaluation need of a
/// student, whatever its architecture: a training forward to its output (logits, or for a headless
/// student its image embeddings / pooled features), the backward that accumulates every parameter's
/// gradient, the flat parameters, and its inference graph. `TrainableViT` and `TrainableSwin` conform.
public protocol TrainableStudent: AnyObject {
    /// The parameters and their gradients (AdamW, clipping and checkpoints work on these).
    var trainableParameters: any FlatParameters { get }
    var context: ExecutionContext { get }
    /// Per-phase timing (off unless enabled).
    var profile: PhaseProfile { get }
    /// Bytes of the activation plan for the current batch size (0 before the first forward).
    var activationBytes: Int { get }
    /// The input contract (image size, channels, preprocessing) samples are loaded with.
    var inputConfig: ViTConfig { get }
    /// Classes of the head (0: a headless student, trained on features).
    var classes: Int { get }
    /// Width of `forward`'s output.
    var outputWidth: Int { get }
    /// What the output is, for messages: "logits", "image embeddings" or "pooled features".
    var outputKind: String { get }
    /// Whether `forward` also returns distillation-head logits (a DeiT distillation token).
    var hasDistillationHead: Bool { get }
    /// Runs the training forward on `x[N, C, H, W]`, keeping what `backward` needs; the outputs live in
    /// the student's workspace until the next call.
    /// - Throws: `DistillError.mismatch` when `x` does not fit; `TensorError` when the activations do not fit in memory.
    func forward(_ x: Tensor) throws -> TrainableViT.Output
    /// Adds ∂loss/∂parameter for the last `forward` to the gradients, from ∂loss/∂output.
    func backward(dLogits: Tensor, dDistLogits: Tensor?)
    /// Checkpoint metadata naming the architecture (restored only into the same one).
    var checkpointMetadata: [String: String] { get }
    /// Why a checkpoint with `metadata` does not belong to this student's architecture (nil: it does).
    func checkpointMismatch(_ metadata: [String: String]) -> String?
    /// The inference graph of the current parameters (evaluation and the report).
    func inferenceGraph() throws -> ModelGraph
}
