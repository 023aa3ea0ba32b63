import Foundation
import Graph

/// Accuracy and agreement of a model (and optionally a second one) over a `Dataset`.
public enum Evaluator {
    public struct Result: Sendable, Codable {
        public var samples: Int
        /// Top-1 / top-5 accuracy in [0, 1], when labels exist.
        public var top1: Double?
        public var top5: Double?
        public var imagesPerSecond: Double
        /// With a second model: fraction of samples whose argmax agrees, and mean / min cosine of the logits.
        public var agreement: Double?
        public var meanCosine: Double?
        public var minCosine: Double?
        public var maxAbsDiff: Double?
        public var otherTop1: Double?

        enum CodingKeys: String, CodingKey {
            case samples, top1, top5, imagesPerSecond = "images_per_s", agreement, meanCosine = "logit_cosine"
            case minCosine = "min_logit_cosine", maxAbsDiff = "max_abs_diff", otherTop1 = "against_top1"
        }
    }

    /// Runs `graph` (with its Linear layers in `precision`) and `other` (in fp32) over `data` in batches
    /// of `batch`, both with the kernels of `registry`; `progress` is called after each batch with the
    /// samples done and the total.
    public static func evaluate(_ graph: ModelGraph, config: ViTConfig, data: Dataset, against other: ModelGraph? = nil,
                                batch: Int = 32, threads: Int, registry: OpRegistry = .onnx, precision: Precision = .fp32,
                                progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        let exec = try Executor(graph: graph, registry: registry, threads: threads, precision: precision)
        let otherExec = try other.map { try Executor(graph: $0, registry: registry, threads: threads) }
        let outName = graph.outputs[0]
        var correct1 = 0, correct5 = 0, otherCorrect = 0, agree = 0
        var cosSum = 0.0, cosMin = 1.0, maxDiff = 0.0
        var seconds = 0.0
        var start = 0
        while start < data.count {
            let range = start..<min(data.count, start + max(1, batch))
            let x = try data.batch(range, config: config)
            let t0 = DispatchTime.now().uptimeNanoseconds
            let logits = try exec.run([ViTGraphBuilder.inputName: x])[outName]!
            seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let classes = logits.shape.last!
            let l = logits.floats
            let o = try otherExec.map { try $0.run([ViTGraphBuilder.inputName: x])[$0.graph.outputs[0]]! }
            if let o, o.shape != logits.shape {
                throw GraphError.shapeMismatch(node: "<outputs>", detail: "the two models' outputs differ in shape: \(logits.shape) vs \(o.shape)")
            }
            for (row, sample) in range.enumerated() {
                let r = Array(UnsafeBufferPointer(start: l + row * classes, count: classes))
                let order = r.indices.sorted { r[$0] > r[$1] || (r[$0] == r[$1] && $0 < $1) }
                if let labels = data.labels {
                    if order[0] == labels[sample] { correct1 += 1 }
                    if order.prefix(5).contains(labels[sample]) { correct5 += 1 }
                }
                if let o {
                    let s = Array(UnsafeBufferPointer(start: o.floats + row * classes, count: classes))
                    let best = s.indices.max { s[$0] < s[$1] || (s[$0] == s[$1] && $0 > $1) }!
                    if best == order[0] { agree += 1 }
                    if let labels = data.labels, best == labels[sample] { otherCorrect += 1 }
                    var dot = 0.0, na = 0.0, nb = 0.0
                    for j in 0..<classes {
                        dot += Double(r[j]) * Double(s[j]); na += Double(r[j]) * Double(r[j]); nb += Double(s[j]) * Double(s[j])
                        maxDiff = max(maxDiff, Double(abs(r[j] - s[j])))
                    }
                    let cos = (na == 0 || nb == 0) ? (na == nb ? 1 : 0) : dot / (na.squareRoot() * nb.squareRoot())
                    cosSum += cos
                    cosMin = min(cosMin, cos)
                }
            }
            start = range.upperBound
            progress?(start, data.count)
        }
        let n = Double(data.count)
        var r = Result(samples: data.count, imagesPerSecond: seconds > 0 ? n / seconds : 0)
        if data.labels != nil {
            r.top1 = Double(correct1) / n
            r.top5 = Double(correct5) / n
        }
        if other != nil {
            r.agreement = Double(agree) / n
            r.meanCosine = cosSum / n
            r.minCosine = cosMin
            r.maxAbsDiff = maxDiff
            if data.labels != nil { r.otherTop1 = Double(otherCorrect) / n }
        }
        return r
    }
}
