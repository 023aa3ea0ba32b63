import Formats
import Graph
import Quantize

/// A model ready to run: fp32 files through Formats' loader, vitopt int8 files through Quantize's.
struct RunnableModel {
    let loaded: LoadedModel
    let graph: ModelGraph
    let registry: OpRegistry
    /// Set for an int8 file.
    let int8: Int8ModelFile.Model?
    /// Set for an imported dynamically quantized ONNX model (its integer matmuls mapped onto vitopt's kernel).
    var onnxInt8: Int8ONNXPatterns.Result? = nil
}

extension ModelOptions {
    /// Loads `path`, fp32 or int8 (detected from its metadata).
    func loadRunnable(_ path: String) throws -> RunnableModel {
        guard Int8ModelFile.isQuantized(path) else {
            let loaded = try load(path)
            let graph = try loaded.graph()
            guard loaded.importedGraph != nil, Int8ONNXPatterns.applies(to: graph) else {
                return RunnableModel(loaded: loaded, graph: graph, registry: .int8, int8: nil)
            }
            let q = Int8ONNXPatterns.apply(graph)
            if let first = q.kept.first {
                Console.warn("\(q.kept.count) of \(q.kept.count + q.rewritten.count) quantized matmuls (MatMulInteger, ConvInteger, QDQ MatMul) run on the generic kernels, not vitopt's packed one (node '\(first.node)': \(first.reason))")
            }
            return RunnableModel(loaded: loaded, graph: q.graph, registry: .int8, int8: nil, onnxInt8: q)
        }
        var hints = ConfigHints()
        hints.numHeads = heads
        hints.eps = eps
        hints.sources = ["command line"]
        let m = try Int8ModelFile.load(path, hints: hints)
        for w in m.loaded.warnings { Console.warn(w) }
        return RunnableModel(loaded: m.loaded, graph: m.result.graph, registry: .int8, int8: m)
    }
}
