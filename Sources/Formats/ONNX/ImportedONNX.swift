import Foundation
import Graph

/// An ONNX model imported for running: the file, the graph folded for its input shape and
/// rewritten by the pattern passes, and — when the graph is recognised as a ViT — its canonical
/// description.
public struct ImportedONNX: Sendable {
    public let file: ONNXFile
    /// The dense graph (input renamed to `pixel_values`), runnable with `OpRegistry.onnx`.
    public let graph: ModelGraph
    public let warnings: [String]
}
