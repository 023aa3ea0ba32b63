import Foundation
import Graph

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
