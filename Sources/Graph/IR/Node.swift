/// One operation in the graph: an op kind (looked up in the `OpRegistry`), named inputs and outputs
/// and attributes. Inputs name graph inputs, initializers or other nodes' outputs.
public struct Node: Hashable, Sendable {
    public var name: String
    public var op: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]

    public init(name: String, op: String, inputs: [String], outputs: [String], attributes: [String: Attribute] = [:]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// An integer attribute, or `nil` when absent.
    public func int(_ key: String) -> Int? {
        if case .int(let v)? = attributes[key] { return v }
        return nil
    }

    /// A float attribute (an int attribute is accepted and widened), or `nil` when absent.
    public func float(_ key: String) -> Float? {
        switch attributes[key] {
        case .float(let v)?: return v
        case .int(let v)?: return Float(v)
        default: return nil
        }
    }

    /// A string attribute, or `nil` when absent.
    public func string(_ key: String) -> String? {
        if case .string(let v)? = attributes[key] { return v }
        return nil
    }
}
