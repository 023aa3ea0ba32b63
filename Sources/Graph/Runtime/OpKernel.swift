/// One op kind's implementation: shape inference and an fp32 (or other) forward kernel.
///
/// Modules add ops by registering kernels in an `OpRegistry`; nothing else in the IR or executor
/// names op kinds, so a new kernel (an int8 Linear, say) is one new type plus one `register` call.
public protocol OpKernel: Sendable {
    /// The op kind this kernel implements (`Node.op`).
    var kind: String { get }
    /// Output value infos from the inputs' infos. Throw a `GraphError` naming `node` on a mismatch.
    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo]
    /// Computes the outputs. Inputs are in `node.inputs` order; float initializers arrive as F32.
    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor]
}

/// A table from op kind to kernel.
public struct OpRegistry: Sendable {
    private var kernels: [String: any OpKernel] = [:]

    public init(_ kernels: [any OpKernel] = []) {
        for k in kernels { register(k) }
    }

    /// Adds (or replaces) the kernel for `kernel.kind`.
    public mutating func register(_ kernel: any OpKernel) {
        kernels[kernel.kind] = kernel
    }

    /// The kernel for `op`, if registered.
    public func kernel(for op: String) -> (any OpKernel)? { kernels[op] }

    /// All registered op kinds, sorted.
    public var kinds: [String] { kernels.keys.sorted() }

    /// The fp32 ViT vocabulary.
    public static let standard = OpRegistry([
        PatchEmbedKernel(), PrefixTokensKernel(), BinaryKernel.add, BinaryKernel.mul, LayerNormKernel(),
        LinearKernel(), AttentionKernel(), GeluKernel(), TanhKernel(), TakeTokenKernel(), MeanTokensKernel(),
        AverageKernel(), PackedLinearKernel(), PackedBF16LinearKernel(), QuickGeluKernel(), SwiGLUKernel(), ConcatFeaturesKernel(),
        AttentionPoolKernel(), WindowAttentionKernel(), PatchMergingKernel(), ContinuousPositionBiasKernel(),
        RelativePositionBiasKernel(), BiasedAttentionKernel(),
        RoPEKernel(),
    ])
}

/// A kernel that can finish its fp32 output with a residual add: given `epilogue = "residual"`, its
/// last input is a tensor of the output's shape added to the result (one fp32 add per element, so
/// bit-identical to a separate `Add`). `LinearEpilogueFusion` folds `Add`s into such kernels.
public protocol ResidualEpilogueKernel: OpKernel {}

extension Node {
    /// Whether `LinearEpilogueFusion` gave this node a residual input (its last).
    public var hasResidualEpilogue: Bool { string("epilogue") == "residual" }
}
