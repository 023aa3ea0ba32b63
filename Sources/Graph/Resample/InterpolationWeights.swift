/// The 1-D weight matrix of one axis of PyTorch's `F.interpolate(align_corners=False)`.
///
/// `matrix[o · input + i]` is the weight of input sample `i` in output sample `o`; a resampled axis
/// is `out[o] = Σᵢ matrix[o, i] · in[i]`. The rules are those of ATen's CPU kernels
/// (`UpSample.h`, `UpSampleKernel.cpp`). Coordinates and weights are computed in the `precision`
/// ATen uses for the data's dtype (`Float` for fp32: its source step `14/24` is the float
/// `0.58333331`, and that shift alone moves results by ~1e-6), then kept as `Double`:
///
/// - Source step `scale = input / output` (`size=`), or `1 / scale_factor` when a scale factor is
///   given (`area_pixel_compute_scale`).
/// - Without antialias, bicubic: source coordinate `x = scale · (o + 0.5) − 0.5`, `k = min(⌊x⌋, input − 1)`,
///   `t = clamp(x − k, 0, 1)`, Keys weights with A = −0.75 on taps `k − 1 … k + 2`, each tap index
///   clamped to `[0, input − 1]` (border replication; clamped taps add up).
/// - Without antialias, bilinear: identity when `input == output`; else `x` as above clamped at 0,
///   taps `k` and `min(k + 1, input − 1)` with weights `1 − t`, `t`.
/// - With antialias (`_upsample_{bicubic,bilinear}2d_aa`, Pillow's filter): `support = n/2 · max(scale, 1)`
///   (n = 4 bicubic, 2 bilinear), centre `c = scale · (o + 0.5)`, taps `i ∈ [max(trunc(c − support + 0.5), 0),
///   min(trunc(c + support + 0.5), input))`, weight `f((i − c + 0.5) / max(scale, 1))` with the a = −0.5
///   cubic or the triangle, divided by the taps' sum. An axis whose size does not change is copied
///   (ATen skips that pass).
public struct InterpolationWeights: Sendable, Equatable {
    public let input: Int
    public let output: Int
    /// Row-major `[output, input]`.
    public let matrix: [Double]

    /// - Parameters:
    ///   - scaleFactor: PyTorch's `scale_factor` for this axis, or `nil` for `size=` semantics.
    ///   - precision: the type ATen computes coordinates and weights in — its `opmath` type for the
    ///     tensor's dtype: `Float` for fp32 (and narrower) data, `Double` for fp64. The weights are
    ///     stored as `Double` either way; sums over them are the caller's, in `Double`.
    public init<T: BinaryFloatingPoint>(input: Int, output: Int, mode: InterpolationMode, antialias: Bool,
                                        scaleFactor: Double? = nil, precision: T.Type = Float.self) {
        precondition(input > 0 && output > 0, "interpolation sizes must be positive")
        self.input = input
        self.output = output
        let scale: T = scaleFactor.map { $0 > 0 ? T(1 / $0) : T(input) / T(output) } ?? T(input) / T(output)
        var m = [Double](repeating: 0, count: input * output)
        let identity = input == output && (antialias || mode == .bilinear || scale == 1)
        if identity {
            for o in 0..<output { m[o * input + o] = 1 }
        } else if antialias {
            Self.fillAntialiased(&m, input: input, output: output, mode: mode, scale: scale)
        } else if mode == .bicubic {
            Self.fillBicubic(&m, input: input, output: output, scale: scale)
        } else {
            Self.fillBilinear(&m, input: input, output: output, scale: scale)
        }
        matrix = m
    }

    /// Keys cubic convolution with A = −0.75 (ATen `upsample_bicubic2d`).
    private static func fillBicubic<T: BinaryFloatingPoint>(_ m: inout [Double], input: Int, output: Int, scale: T) {
        let a: T = -0.75
        func near(_ x: T) -> T { ((a + 2) * x - (a + 3)) * x * x + 1 }        // |x| ≤ 1
        func far(_ x: T) -> T { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }   // 1 < |x| < 2
        for o in 0..<output {
            let x = scale * (T(o) + 0.5) - 0.5
            let k = min(Int(x.rounded(.down)), input - 1)
            let t = min(max(x - T(k), 0), 1)
            let w = [far(t + 1), near(t), near(1 - t), far((1 - t) + 1)]
            for j in 0..<4 {
                let i = max(min(k - 1 + j, input - 1), 0)
                m[o * input + i] += Double(w[j])
            }
        }
    }

    /// Linear interpolation (ATen `upsample_bilinear2d`, one axis).
    private static func fillBilinear<T: BinaryFloatingPoint>(_ m: inout [Double], input: Int, output: Int, scale: T) {
        for o in 0..<output {
            let x = max(scale * (T(o) + 0.5) - 0.5, 0)
            let k = min(Int(x.rounded(.down)), input - 1)
            let t = min(max(x - T(k), 0), 1)
            let k1 = k < input - 1 ? k + 1 : k
            m[o * input + k] += Double(1 - t)
            m[o * input + k1] += Double(t)
        }
    }

    /// Pillow-style antialiased filter (ATen `_compute_indices_min_size_weights_aa`).
    private static func fillAntialiased<T: BinaryFloatingPoint>(_ m: inout [Double], input: Int, output: Int,
                                                                 mode: InterpolationMode, scale: T) {
        let half = T(mode.interpSize) * 0.5
        let support = scale >= 1 ? half * scale : half
        let invScale: T = scale >= 1 ? 1 / scale : 1
        let maxTaps = Int(support.rounded(.up)) * 2 + 1
        func filter(_ v: T) -> T {
            let x = abs(v)
            switch mode {
            case .bilinear:
                return x < 1 ? 1 - x : 0
            case .bicubic:
                let a: T = -0.5
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
                return 0
            }
        }
        for o in 0..<output {
            let center = scale * (T(o) + 0.5)
            let lo = max(Int(center - support + 0.5), 0)            // Int() truncates toward zero, as static_cast
            let n = min(max(min(Int(center + support + 0.5), input) - lo, 0), maxTaps)
            var w = [T](repeating: 0, count: n)
            var total: T = 0
            for j in 0..<n {
                w[j] = filter((T(j + lo) - center + 0.5) * invScale)
                total += w[j]
            }
            for j in 0..<n { m[o * input + lo + j] = Double(total != 0 ? w[j] / total : w[j]) }
        }
    }
}
