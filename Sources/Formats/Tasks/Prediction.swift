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

/// How `vitopt run` prints predictions.
public enum PredictionFormat: String, Sendable, CaseIterable {
    /// One block per input: the source, then `probability  index  label` lines.
    case table
    /// A JSON array of `{"source", "top": [{"index", "label", "probability"}]}`.
    case json
    /// `source,rank,index,label,probability`, one row per guess, RFC 4180 quoting.
    case csv

    public func render(_ predictions: [Prediction]) -> String {
        switch self {
        case .table:
            return predictions.map { p in
                ([p.source + ":"] + p.top.map { String(format: "  %6.2f%%  %d  %@", $0.probability * 100, $0.index, $0.label) })
                    .joined(separator: "\n")
            }.joined(separator: "\n") + "\n"
        case .json:
            let rows: [[String: Any]] = predictions.map { p in
                ["source": p.source, "top": p.top.map { ["index": $0.index, "label": $0.label, "probability": Double($0.probability)] as [String: Any] }]
            }
            let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        case .csv:
            var lines = ["source,rank,index,label,probability"]
            for p in predictions {
                for (rank, g) in p.top.enumerated() {
                    lines.append([Self.csvField(p.source), String(rank + 1), String(g.index), Self.csvField(g.label), String(g.probability)].joined(separator: ","))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
