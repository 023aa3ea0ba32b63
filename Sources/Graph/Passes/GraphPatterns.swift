/// The pattern passes that turn imported ONNX math into vitopt's own ops, in order.
public enum GraphPatterns {
    public static func apply(_ graph: ModelGraph) throws -> ModelGraph {
        graph
    }
}
