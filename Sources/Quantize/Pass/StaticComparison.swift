import Formats
import Graph

/// Static int8 beside dynamic int8 on the same data: the static graph and the same model quantized
/// dynamically (per token and per tensor, the same int8 weights), each evaluated against fp32 —
/// logit cosine, max abs error and, with a classifier head, top-1 agreement and accuracy.
public enum StaticComparison {
    public struct Row: Sendable {
        /// "static", "dynamic per-token" or "dynamic per-tensor".
        public let scheme: String
        public let result: Evaluator.Result
    }

    /// - Parameters:
    ///   - staticResult: the calibrated graph; its layers' int8 weights are reused for the dynamic graphs.
    ///   - exclude: the exclude patterns the static graph was made with.
    /// - Throws: the pass's, executor's and dataset's errors.
    public static func measure(fp32: ModelGraph, staticResult: DynamicQuantization.Result, exclude: [ExcludePattern],
                               data: Dataset, config: ViTConfig, threads: Int) throws -> [Row] {
        var rows = [Row(scheme: "static", result: try Evaluator.evaluate(staticResult.graph, config: config, data: data, against: fp32,
                                                                          threads: threads, registry: .int8))]
        for scheme in [ActivationScheme.perToken, .perTensor] {
            var o = DynamicQuantization.Options()
            o.activations = scheme
            o.exclude = exclude
            o.onlyWeights = Set(staticResult.layers.map(\.weight))
            let g = try DynamicQuantization.apply(fp32, options: o).graph
            rows.append(Row(scheme: "dynamic \(scheme.rawValue)",
                            result: try Evaluator.evaluate(g, config: config, data: data, against: fp32, threads: threads, registry: .int8)))
        }
        return rows
    }
}
