import Foundation
import Graph

/// ONNX import: file → IR → shape folding → pattern passes.
///
/// What is validated before the passes run: one graph input, of at most `maxInputElements`
/// elements per sample (dimension products overflow-checked); at least one graph output, none
/// with an empty name; and — by `ONNXFile` and `ONNXNodeTranslator` — every tensor's size against
/// its payload and every node's arity and attribute types. The passes then check shapes and
/// attributes against the ops before evaluating anything.
public enum ONNXImporter {
    /// Most elements one sample of the image input may have (2³⁰: a 16384 × 16384 × 4 image).
    public static let maxInputElements = 1 << 30

    /// - Throws: `FormatError` for the file's problems; a shape that does not fold or an op that fails
    ///   shape inference as `FormatError.unsupported` naming the node.
    /// - Parameter imageSize: `[h, w]` for exports whose input height and width are dynamic (Optimum's
    ///   default); without it, `config.json` beside the model is asked.
    public static func load(_ path: String, imageSize: [Int]? = nil) throws -> ImportedONNX {
        let file = try ONNXFile(path: path)
        guard file.graph.inputs.count == 1 else {
            throw FormatError.unsupported(path: path, detail: "the graph has \(file.graph.inputs.count) inputs (\(file.graph.inputs.map(\.name).joined(separator: ", "))); vitopt runs single-input image models")
        }
        guard !file.graph.outputs.isEmpty else { throw FormatError.corrupt(path: path, detail: "the graph has no outputs") }
        guard !file.graph.outputs.contains(where: \.isEmpty) else { throw FormatError.corrupt(path: path, detail: "a graph output has an empty name") }
        try checkInputSize(file.graph.inputs[0], path: path)
        var graph = rename(file.graph, input: file.graph.inputs[0].name, to: ViTGraphBuilder.inputName)
        var warnings: [String] = []
        if graph.inputs[0].shape.dropFirst().contains(where: { $0.value == nil }) {
            graph.inputs[0].shape = try fixDynamicAxes(graph, path: path, imageSize: imageSize, warnings: &warnings)
            try checkInputSize(graph.inputs[0], path: path)
        }
        do {
            graph = try ShapeFolding.fold(graph)
            graph = try GraphPatterns.apply(graph)
        } catch let e as GraphError {
            throw FormatError.unsupported(path: path, detail: e.description)
        }
        return ImportedONNX(file: file, graph: graph, warnings: warnings)
    }

    /// Throws unless the fixed dimensions of `input` after the batch are positive and multiply, without
    /// overflow, to at most `maxInputElements`.
    static func checkInputSize(_ input: ValueInfo, path: String) throws {
        var n = 1
        for d in input.shape.dropFirst() {
            guard let v = d.value else { continue }
            let (m, overflow) = n.multipliedReportingOverflow(by: v)
            guard v > 0, !overflow, m <= maxInputElements else {
                throw FormatError.unsupported(path: path, detail: "input '\(input.name)' \(input.shape.shapeDescription) is larger than \(maxInputElements) elements per sample")
            }
            n = m
        }
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

    /// Fixes dynamic channel / height / width axes of the image input: channels from the patch
    /// convolution's weight, height and width from `imageSize` or the `config.json` beside the model.
    static func fixDynamicAxes(_ graph: ModelGraph, path: String, imageSize: [Int]?, warnings: inout [String]) throws -> [Dim] {
        var shape = graph.inputs[0].shape
        guard shape.count == 4 else {
            throw FormatError.unsupported(path: path, detail: "input '\(graph.inputs[0].name)' \(shape.shapeDescription) has dynamic axes other than the batch")
        }
        if shape[1].value == nil {
            guard let conv = graph.nodes.first(where: { $0.op == "Conv" && $0.inputs.first == ViTGraphBuilder.inputName }),
                  conv.inputs.count >= 2, let w = graph.initializers[conv.inputs[1]], w.rank == 4 else {
                throw FormatError.unsupported(path: path, detail: "input channels are dynamic and no convolution on the input tells them")
            }
            let group = conv.int("group") ?? 1
            let (channels, overflow) = w.shape[1].multipliedReportingOverflow(by: group)
            guard group >= 1, !overflow, channels >= 1 else {
                throw FormatError.corrupt(path: path, detail: "node '\(conv.name)' (Conv): group \(group) with weight \(w.shape) gives no valid channel count")
            }
            shape[1] = .fixed(channels)
        }
        if shape[2].value == nil || shape[3].value == nil {
            guard let size = imageSize ?? (try? ConfigSources.sidecarHints(for: path))?.imageSize, size.count == 2 else {
                throw FormatError.unsupported(path: path, detail: "input height and width are dynamic (\(shape.shapeDescription)); put the model's config.json (image_size) beside it or give the image size")
            }
            shape[2] = .fixed(size[0])
            shape[3] = .fixed(size[1])
            warnings.append("input height and width are dynamic in the file; running at \(size[0])×\(size[1]) from config.json")
        }
        return shape
    }
}
