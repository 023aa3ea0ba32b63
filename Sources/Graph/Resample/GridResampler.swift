/// Resamples a channel-last grid `[H, W, D]` to `[h, w, D]` with one `Interpolation`, separably,
/// entirely in `Double`.
///
/// Numerical contract: `out[y, x, d] = Σᵢ Σⱼ Wₕ[y, i] · W_w[x, j] · in[i, j, d]` with the axis
/// matrices of `InterpolationWeights`, accumulated in `Double` (width pass first, then height, as
/// ATen's separable kernel). Callers round the result to their storage type once. Against PyTorch's
/// fp32 kernels the difference is PyTorch's own fp32 rounding (a few ulp of the values).
public struct GridResampler: Sendable {
    public let source: [Int]
    public let target: [Int]
    public let interpolation: Interpolation
    let rows: InterpolationWeights
    let cols: InterpolationWeights

    /// - Parameters:
    ///   - doublePrecisionWeights: compute coordinates and weights in `Double` (ATen's opmath for
    ///     fp64 data) instead of `Float` (fp32 and narrower data).
    /// - Throws: `ResampleError.unsupported` when `scale_factor` sizing gives another output size
    ///   than `target` (PyTorch would produce `⌊H · s⌋`).
    public init(source: [Int], target: [Int], interpolation: Interpolation, tensor: String = "grid",
                doublePrecisionWeights: Bool = false) throws {
        precondition(source.count == 2 && target.count == 2 && (source + target).allSatisfy { $0 > 0 }, "grid sizes must be two positive values")
        self.source = source
        self.target = target
        self.interpolation = interpolation
        var axes: [InterpolationWeights] = []
        for a in 0..<2 {
            let s = interpolation.scaleFactor(input: source[a], output: target[a])
            if let s {
                let produced = Int((Double(source[a]) * s).rounded(.down))
                guard produced == target[a] else {
                    throw ResampleError.unsupported(tensor: tensor, detail: "scale_factor \(s) on \(source[a]) rows gives \(produced), not \(target[a])")
                }
            }
            let (mode, aa) = (interpolation.mode, interpolation.antialias)
            axes.append(doublePrecisionWeights
                ? InterpolationWeights(input: source[a], output: target[a], mode: mode, antialias: aa, scaleFactor: s, precision: Double.self)
                : InterpolationWeights(input: source[a], output: target[a], mode: mode, antialias: aa, scaleFactor: s, precision: Float.self))
        }
        rows = axes[0]
        cols = axes[1]
    }

    /// Resamples `values` (`source[0] · source[1] · depth` doubles, row-major `[H, W, D]`).
    public func apply(_ values: [Double], depth: Int) -> [Double] {
        let (hIn, wIn, hOut, wOut) = (source[0], source[1], target[0], target[1])
        precondition(values.count == hIn * wIn * depth, "grid has \(values.count) values, expected \(hIn * wIn * depth)")
        // Width pass: [H, W, D] -> [H, w, D].
        var mid = [Double](repeating: 0, count: hIn * wOut * depth)
        let cm = cols.matrix
        for y in 0..<hIn {
            for x in 0..<wOut {
                let dst = (y * wOut + x) * depth
                for j in 0..<wIn {
                    let wt = cm[x * wIn + j]
                    if wt == 0 { continue }
                    let src = (y * wIn + j) * depth
                    for d in 0..<depth { mid[dst + d] += wt * values[src + d] }
                }
            }
        }
        // Height pass: [H, w, D] -> [h, w, D].
        var out = [Double](repeating: 0, count: hOut * wOut * depth)
        let rm = rows.matrix
        let rowLen = wOut * depth
        for y in 0..<hOut {
            for i in 0..<hIn {
                let wt = rm[y * hIn + i]
                if wt == 0 { continue }
                let dst = y * rowLen, src = i * rowLen
                for k in 0..<rowLen { out[dst + k] += wt * mid[src + k] }
            }
        }
        return out
    }

    /// The full linear map `[h·w, H·W]` (row-major flattening on both sides): the Kronecker product
    /// of the axis matrices, i.e. what resizing each basis image gives (timm's `_compute_resize_matrix`).
    public var matrix: [Double] {
        let (hIn, wIn, hOut, wOut) = (source[0], source[1], target[0], target[1])
        var m = [Double](repeating: 0, count: hOut * wOut * hIn * wIn)
        let cols = hIn * wIn
        for y in 0..<hOut {
            for x in 0..<wOut {
                for i in 0..<hIn {
                    let a = rows.matrix[y * hIn + i]
                    if a == 0 { continue }
                    for j in 0..<wIn { m[(y * wOut + x) * cols + i * wIn + j] = a * self.cols.matrix[x * wIn + j] }
                }
            }
        }
        return m
    }
}
