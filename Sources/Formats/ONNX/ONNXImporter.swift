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

/// ONNX import: file → IR → shape folding → pattern passes.
public enum ONNXImporter {
    /// - Throws: `FormatError` for the file's problems; a shape that does not fold or an op that fails
    ///   shape inference as `FormatError.unsupported` naming the node.
    public static func load(_ path: String) throws -> ImportedONNX {
        let file = try ONNXFile(path: path)
        guard file.graph.inputs.count == 1 else {
            throw FormatError.unsupported(path: path, detail: "the graph has \(file.graph.inputs.count) inputs (\(file.graph.inputs.map(\.name).joined(separator: ", "))); vitopt runs single-input image models")
        }
        var graph = rename(file.graph, input: file.graph.inputs[0].name, to: ViTGraphBuilder.inputName)
        do {
            graph = try ShapeFolding.fold(graph)
            graph = try GraphPatterns.apply(graph)
        } catch let e as GraphError {
            throw FormatError.unsupported(path: path, detail: e.description)
        }
        return ImportedONNX(file: file, graph: graph, warnings: [])
    }

    /// `graph` with value `old` renamed to `new` everywhere.
    static func rename(_ graph: ModelGraph, input old: String, to new: String) -> ModelGraph {
        guard old != new else { return graph }
        var g = graph
        g.inputs = g.inputs.map { var i = $0; if i.name == old { i.name = new }; return i }
        g.nodes = g.nodes.map { var n = $0; n.inputs = n.inputs.map { $0 == old ? new : $0 }; return n }
        g.outputs = g.outputs.map { $0 == old ? new : $0 }
        return g
    }
}
