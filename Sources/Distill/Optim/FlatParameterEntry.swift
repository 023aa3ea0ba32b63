import Graph

/// One named parameter inside a flat buffer: where it lies and whether AdamW decays it.
public struct FlatParameterEntry: Sendable {
    public let name: String
    public let offset: Int
    public let count: Int
    public let decays: Bool
}
