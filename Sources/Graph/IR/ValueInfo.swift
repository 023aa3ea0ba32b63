/// A named value flowing through the graph: its element type and (possibly symbolic) shape.
public struct ValueInfo: Hashable, Sendable {
    public var name: String
    public var dtype: DType
    public var shape: [Dim]

    public init(name: String, dtype: DType = .f32, shape: [Dim]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}
