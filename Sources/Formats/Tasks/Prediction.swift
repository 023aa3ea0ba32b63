import Foundation
import Graph

/// The most likely classes for one input: what `vitopt run --top K` reports per image.
public struct Prediction: Sendable, Equatable {
    public struct Guess: Sendable, Equatable {
        public let index: Int
        public let label: String
        /// Softmax probability of the class, in [0, 1].
        public let probability: Float
    }

    /// The image path, or `file[i]` for row i of a `.npy` batch.
    public let source: String
    public let top: [Guess]

    /// The `k` most likely classes of each row of `logits` (`[N, classes]`), ties broken by class index.
    public static func top(_ k: Int, logits: Tensor, sources: [String], config: ViTConfig) -> [Prediction] {
        let classes = logits.shape[1], values = logits.floatArray()
        return (0..<logits.shape[0]).map { b in
            let row = Array(values[(b * classes)..<((b + 1) * classes)])
            let probs = Softmax.probabilities(row)
            let order = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(k)
            return Prediction(source: sources[b], top: order.map { Guess(index: $0, label: ClassLabels.name($0, config: config), probability: probs[$0]) })
        }
    }
}
