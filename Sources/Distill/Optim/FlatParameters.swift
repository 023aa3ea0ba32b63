import Graph

/// A student's parameters as one contiguous fp32 buffer with its gradient buffer beside it, in named
/// entries: what AdamW, gradient clipping, the finite checks and checkpoints act on, whatever the
/// architecture (`ParameterSet` for a ViT, `SwinParameterSet` for a Swin).
public protocol FlatParameters: AnyObject {
    /// Parameter values, `count` floats.
    var values: Tensor { get }
    /// Gradients, `count` floats, accumulated by `backward` and cleared by `zeroGradients()`.
    var grads: Tensor { get }
    var count: Int { get }
    /// Every parameter, in buffer order.
    var layout: [FlatParameterEntry] { get }
    func zeroGradients()
}

extension ParameterSet: FlatParameters {
    public var layout: [FlatParameterEntry] {
        entries.map { FlatParameterEntry(name: "\($0.key)", offset: $0.offset, count: $0.count, decays: ParameterSet.decays($0)) }
    }
}
