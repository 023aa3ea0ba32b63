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

extension Node {
    /// Whether `LinearEpilogueFusion` gave this node a residual input (its last).
    public var hasResidualEpilogue: Bool { string("epilogue") == "residual" }
}
