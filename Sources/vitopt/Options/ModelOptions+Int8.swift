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
}

extension ModelOptions {
    /// Loads `path`, fp32 or int8 (detected from its metadata).
    func loadRunnable(_ path: String) throws -> RunnableModel {
        guard Int8ModelFile.isQuantized(path) else {
            let loaded = try load(path)
            return RunnableModel(loaded: loaded, graph: try loaded.graph(), registry: .int8, int8: nil)
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
