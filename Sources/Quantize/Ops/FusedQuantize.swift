#if canImport(Glibc)
import Glibc
#endif
import Graph

/// Output layout shared by the fused quantizing producers.
enum FusedQuantize {
    static func outputInfos(_ shape: [Dim], features: Int) -> [ValueInfo] {
        let lead = Array(shape.dropLast())
        return [ValueInfo(name: "", dtype: .u8, shape: lead + [.fixed(PackedWeights.paddedK(features))]),
                ValueInfo(name: "", dtype: .f32, shape: lead), ValueInfo(name: "", dtype: .i32, shape: lead)]
    }

    /// Quantized rows whose fp32 values `produce(row, buffer)` writes into a per-thread buffer of
    /// `features` floats; each row is then quantized per token (`QuantizedRows.store`) or, given a
    /// calibrated `StaticActivation` (the node's `input_scale`/`input_zero_point`), with that.
    static func rows(_ rows: Int, features d: Int, with fixed: StaticActivation? = nil, context: ExecutionContext,
                     produce: (Int, UnsafeMutablePointer<Float>) -> Void) -> QuantizedRows {
        let q = QuantizedRows(rows: rows, features: d, zeroed: false)
        if let f = fixed { q.fill(f) }
        context.parallelFor(rows, minChunk: 8) { range in
            let tmp = UnsafeMutablePointer<Float>.allocate(capacity: max(1, d))
            defer { tmp.deallocate() }
            for r in range {
                produce(r, tmp)
                if let f = fixed { q.store(row: r, from: tmp, with: f) } else { q.store(row: r, from: tmp) }
            }
        }
        return q
    }

    static func outputs(_ q: QuantizedRows, leading: [Int]) -> [Tensor] {
        [q.values.reshaped(leading + [q.paddedK]), q.scales.reshaped(leading), q.zeroPoints.reshaped(leading)]
    }
}
