import Foundation
import Graph

/// How far an int8 graph is from its fp32 original on one batch: per quantized layer the SQNR of
/// the weight and of the layer's output (int8 graph end to end, so errors of earlier layers are
/// included), and for the model output the mean cosine similarity of the rows and the max abs error.
public struct QuantizationReport: Sendable {
    public struct Layer: Sendable {
        public let node: String
        public let weightSQNR: Double
        public let outputSQNR: Double
    }

    public let layers: [Layer]
    /// Mean over batch rows of cos(fp32 logits, int8 logits).
    public let logitCosine: Double
    public let minLogitCosine: Double
    public let maxAbsError: Double

    /// Runs both graphs on `input` (the graph input tensor) with `threads` threads.
    public static func measure(fp32: ModelGraph, int8 result: DynamicQuantization.Result, input: Tensor,
                               threads: Int) throws -> QuantizationReport {
        let nodes = Dictionary(result.graph.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let probes = result.layers.compactMap { nodes[$0.node]?.outputs.first }
        var a = fp32, b = result.graph
        a.outputs += probes.filter { !a.outputs.contains($0) }
        b.outputs += probes.filter { !b.outputs.contains($0) }
        let inName = fp32.inputs[0].name
        let ya = try Executor(graph: a, registry: .int8, threads: threads).run([inName: input])
        let yb = try Executor(graph: b, registry: .int8, threads: threads).run([inName: input])
        var layers: [Layer] = []
        for (layer, probe) in zip(result.layers, probes) {
            layers.append(Layer(node: layer.node, weightSQNR: layer.weightSQNR, outputSQNR: WeightQuantizer.sqnr(ya[probe]!, yb[probe]!)))
        }
        let out = fp32.outputs[0]
        let (cos, minCos, maxErr) = compare(ya[out]!, yb[out]!)
        return QuantizationReport(layers: layers, logitCosine: cos, minLogitCosine: minCos, maxAbsError: maxErr)
    }

    /// Mean and min row cosine and max |a − b| of two same-shaped outputs (rows = last axis).
    public static func compare(_ a: Tensor, _ b: Tensor) -> (mean: Double, min: Double, maxAbs: Double) {
        let width = a.shape.last ?? 1, rows = max(1, a.count / max(1, width))
        var sum = 0.0, lo = 1.0, m = 0.0
        a.withFloats { x in
            b.withFloats { y in
                for r in 0..<rows {
                    var dot = 0.0, na = 0.0, nb = 0.0
                    for j in 0..<width where r * width + j < min(x.count, y.count) {
                        let u = Double(x[r * width + j]), v = Double(y[r * width + j])
                        dot += u * v; na += u * u; nb += v * v
                        m = max(m, abs(u - v))
                    }
                    let c = (na == 0 || nb == 0) ? (na == nb ? 1 : 0) : dot / (na.squareRoot() * nb.squareRoot())
                    sum += c; lo = min(lo, c)
                }
            }
        }
        return (sum / Double(rows), lo, m)
    }
}
