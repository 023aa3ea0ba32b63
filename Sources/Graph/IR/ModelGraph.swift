/// vitopt's intermediate representation: graph inputs and outputs, nodes, and named initializers
/// (the weights). Every loader builds one; passes rewrite it; `Executor` runs it.
///
/// Named `ModelGraph` so that the module `Graph` can still be used as a qualifier.
public struct ModelGraph: Sendable {
    public var name: String
    public var inputs: [ValueInfo]
    /// Names of the values the graph returns, in order.
    public var outputs: [String]
    public var nodes: [Node]
    public var initializers: [String: Tensor]
    /// Free-form key/value facts carried with the model (for example the ViT config as JSON).
    public var metadata: [String: String]

    public init(name: String, inputs: [ValueInfo], outputs: [String], nodes: [Node],
                initializers: [String: Tensor], metadata: [String: String] = [:]) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.initializers = initializers
        self.metadata = metadata
    }

    /// Total number of initializer elements.
    public var parameterCount: Int { initializers.values.reduce(0) { $0 + $1.count } }
}
