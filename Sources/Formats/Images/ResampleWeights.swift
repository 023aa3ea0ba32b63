/// The separable filter taps mapping one axis of `inSize` samples onto `outSize` samples, laid
/// out as Pillow's `Image.resize` computes them (without its 22-bit fixed-point quantisation):
///
/// - `scale = inSize / outSize`; `filterScale = max(scale, 1)`; `support = filter.support · filterScale`
///   (so downscaling averages over a proportionally wider window: antialiasing).
/// - Output sample `o` is centred at `c = (o + 0.5) · scale` in input coordinates; it reads inputs
///   `lo..<hi` with `lo = max(0, ⌊c − support + 0.5⌋)`, `hi = min(inSize, ⌊c + support + 0.5⌋)`.
/// - Input `i` gets weight `filter((i − c + 0.5) · (1 / filterScale))`; weights are computed in `Double`
///   and divided by their sum (so each output's weights add to 1, edges included). `weights` keeps
///   them in `Double` (Pillow quantises exactly these to 22-bit fixed point), `taps` as `Float`.
///
/// Only the outputs in `outputs` are computed (all by default): each output's taps depend on its own
/// index alone, so a sub-range holds exactly the values the whole axis would, in `outputs.count` rows.
struct ResampleWeights {
    /// The output samples described, in order; row `i` of the arrays below is output `outputs.lowerBound + i`.
    let outputs: Range<Int>
    /// First input index read by each output sample.
    let start: [Int]
    /// Number of taps of each output sample.
    let count: [Int]
    /// Row `i` holds output `outputs.lowerBound + i`'s normalised weights, padded to `stride`.
    let weights: [Double]
    /// `weights` rounded to `Float`, what the resampler multiplies by.
    let taps: [Float]
    /// Distance between consecutive outputs' taps in `taps`.
    let stride: Int

    /// - Parameter outputs: the output samples wanted, within `0..<outSize` (default: all).
    init(inSize: Int, outSize: Int, filter: ResampleFilter, outputs: Range<Int>? = nil) {
        let outputs = outputs ?? 0..<outSize
        precondition(inSize > 0 && outSize > 0, "resample sizes must be positive")
        precondition(outputs.lowerBound >= 0 && outputs.upperBound <= outSize, "outputs \(outputs) outside 0..<\(outSize)")
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverseScale = 1 / filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var start = [Int](repeating: 0, count: outputs.count)
        var count = [Int](repeating: 0, count: outputs.count)
        var weights = [Double](repeating: 0, count: outputs.count * stride)
        var w = [Double](repeating: 0, count: stride)
        for (row, o) in outputs.enumerated() {
            let center = (Double(o) + 0.5) * scale
            let lo = max(0, Int((center - support + 0.5).rounded(.down)))
            let hi = min(inSize, Int((center + support + 0.5).rounded(.down)))
            let n = min(max(hi - lo, 0), stride)
            var sum = 0.0
            for k in 0..<n {
                w[k] = filter.weight((Double(k + lo) - center + 0.5) * inverseScale)
                sum += w[k]
            }
            for k in 0..<n { weights[row * stride + k] = sum != 0 ? w[k] / sum : w[k] }
            start[row] = lo
            count[row] = n
        }
        self.outputs = outputs
        self.start = start
        self.count = count
        self.weights = weights
        self.taps = weights.map { Float($0) }
        self.stride = stride
    }
}
