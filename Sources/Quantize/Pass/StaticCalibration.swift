import Formats
import Graph

/// Calibration for static int8: runs the fp32 model on calibration samples and records, for the input
/// of every `Linear` with a constant weight, the range `[min, max]` over every element of every
/// sample (ONNX Runtime's `CalibrationMethod.MinMax`, NNCF's `min_max` range estimator), then turns
/// it into u8 parameters as ORT does (`StaticActivation(lo:hi:)`: range widened to contain 0,
/// `scale = (max − min) / 255`, `zp = rint(−min / scale)`).
///
/// Why min/max: it is deterministic and order-independent, it is what ORT's `quantize_static` does
/// by default (so the QDQ export reproduces what ORT users get), and it never clips a value seen in
/// calibration. Percentile or entropy ranges clip outliers to gain resolution; on ViT's post-GELU
/// `fc2` inputs, whose few large values carry signal, they are a bet that needs a larger calibration
/// set than a user usually has. `docs/int8.md` gives the measured accuracy.
public enum StaticCalibration {
    /// The method name written to int8 files' metadata.
    public static let method = "minmax"

    /// Images run through the fp32 model at a time (every Linear input of the batch is held at once).
    public static let batchSize = 8

    /// The ranges seen per Linear weight name (every `Linear` whose weight is a graph initializer).
    /// - Parameters:
    ///   - samples: how many of `data`'s first samples to use (at most `data.count`).
    /// - Throws: `QuantizeError.calibration` for no samples, no Linear layers, or a non-finite
    ///   activation (naming the value, the node and the sample batch); the executor's and the
    ///   dataset's errors.
    public static func measure(_ fp32: ModelGraph, data: Dataset, config: ViTConfig, samples: Int, threads: Int,
                               progress: ((Int, Int) -> Void)? = nil) throws -> [String: StaticActivation] {
        let total = min(samples, data.count)
        guard total > 0 else { throw QuantizeError.calibration("the calibration data has no samples") }
        var inputOf: [String: (value: String, node: String)] = [:]
        for n in fp32.nodes where n.op == OpKind.linear && n.inputs.count >= 2 && fp32.initializers[n.inputs[1]] != nil {
            inputOf[n.inputs[1]] = (n.inputs[0], n.name)
        }
        guard !inputOf.isEmpty else { throw QuantizeError.calibration("\(fp32.name) has no Linear layer with a constant weight") }
        var g = fp32
        let probes = Array(Set(inputOf.values.map(\.value))).sorted()
        g.outputs += probes.filter { !g.outputs.contains($0) }
        let exec = try Executor(graph: g, registry: .int8, threads: threads)
        var ranges: [String: (lo: Float, hi: Float)] = [:]
        for start in stride(from: 0, to: total, by: batchSize) {
            let range = start..<min(total, start + batchSize)
            let y = try exec.run([fp32.inputs[0].name: try data.batch(range, config: config)])
            for p in probes {
                guard let t = y[p] else { throw QuantizeError.calibration("value '\(p)' was not computed") }
                let (lo, hi, finite) = extent(t)
                guard finite else {
                    let node = inputOf.values.first { $0.value == p }?.node ?? p
                    throw QuantizeError.calibration("value '\(p)' (input of node '\(node)') is not finite on samples \(range.lowerBound)..<\(range.upperBound)")
                }
                let old = ranges[p] ?? (lo, hi)
                ranges[p] = (min(old.lo, lo), max(old.hi, hi))
            }
            progress?(range.upperBound, total)
        }
        var out: [String: StaticActivation] = [:]
        for (weight, input) in inputOf {
            guard let r = ranges[input.value] else { continue }
            out[weight] = StaticActivation(lo: r.lo, hi: r.hi)
        }
        return out
    }

    /// Min, max and whether every element is finite.
    static func extent(_ t: Tensor) -> (Float, Float, Bool) {
        t.withFloats { x in
            var lo = Float.infinity, hi = -Float.infinity
            for v in x { lo = min(lo, v); hi = max(hi, v) }
            let finite = lo.isFinite && hi.isFinite && !x.contains(where: \.isNaN)
            return (lo, hi, finite)
        }
    }
}
