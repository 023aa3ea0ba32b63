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
