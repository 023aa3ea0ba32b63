/// How an ONNX `If` reaches the IR: the importer inlines both branch subgraphs into the graph (their
/// values renamed into the node's scope) and tags each branch node with the `If` it belongs to and
/// the branch; the `If` node itself takes `[condition, then outputs…, else outputs…]`.
/// `ShapeFolding` folds only the branch the condition chooses for the declared input shape and
/// drops the other; a condition that depends on the image is refused (vitopt runs no control flow).
public struct IfBranch: Sendable, Equatable {
    /// Attribute naming the `If` node a branch node belongs to.
    public static let ifAttribute = "vitopt.if"
    /// Attribute holding 1 for the then-branch, 0 for the else-branch.
    public static let branchAttribute = "vitopt.branch"

    public let ifNode: String
    public let then: Bool

    /// The tag of `node`, or `nil` when it is not in a branch.
    public init?(_ node: Node) {
        guard let name = node.string(Self.ifAttribute), let b = node.int(Self.branchAttribute) else { return nil }
        ifNode = name
        then = b != 0
    }

    /// `node` tagged as part of `ifNode`'s branch (nodes already tagged by a nested `If` keep their tag).
    public static func tagged(_ node: Node, ifNode: String, then: Bool) -> Node {
        guard IfBranch(node) == nil else { return node }
        var n = node
        n.attributes[ifAttribute] = .string(ifNode)
        n.attributes[branchAttribute] = .int(then ? 1 : 0)
        return n
    }

    static func untagged(_ node: Node) -> Node {
        var n = node
        n.attributes[ifAttribute] = nil
        n.attributes[branchAttribute] = nil
        return n
    }

    /// The branch `node`'s condition chooses (true: then) and the number of outputs per branch.
    /// - Throws: `GraphError` naming the node when its inputs do not hold two branches of its output
    ///   count, or the condition is not a one-element constant for the declared input.
    static func condition(_ node: Node, consts: [String: Tensor], symbolic: [String: SymbolicValue]) throws -> (Bool, Int) {
        let k = node.outputs.count
        try KernelCheck.require(node.inputs.count == 1 + 2 * k, node, "If with \(k) outputs needs 1 + 2·\(k) inputs, has \(node.inputs.count)")
        let c: Int?
        if let t = consts[node.inputs[0]] {
            try KernelCheck.require(t.count == 1, node, "condition must have one element, has shape \(t.shape)")
            c = t.dtype.isFloatingPoint ? (t.floatArray()[0] != 0 ? 1 : 0) : t.intArray()[0]
        } else {
            c = symbolic[node.inputs[0]].flatMap { $0.elements.count == 1 ? $0.elements[0].value : nil }
        }
        guard let c else {
            throw GraphError.unsupported("node '\(node.name)' (If): its condition '\(node.inputs[0])' depends on the input image; vitopt runs If only when the condition folds to a constant for the declared input shape")
        }
        return (c != 0, k)
    }
}
