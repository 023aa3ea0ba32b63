#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resamples BEiT's relative position bias table `[(2·Gh−1)(2·Gw−1)+3, heads]` from one patch grid
/// to another: the `(2·Gh−1)×(2·Gw−1)` offsets as a grid per head, the three class rows (the last)
/// kept unchanged. Two schemes, as the two libraries do it:
///
/// - `timm`: timm's `resize_rel_pos_bias_table` without SciPy (what `checkpoint_filter_fn` runs for
///   `timm.create_model(…, img_size=…)`): source offsets placed on a geometric progression whose
///   ratio is bisected in `[1.01, 1.5]` until the outer source offset reaches the target's, then
///   `RegularGridInterpolator` (linear) at the integer target offsets. Coordinates and weights in
///   fp32 as timm's tensors are, the ratio and progression in `Double` as its Python floats.
/// - `huggingFace`: transformers' `BeitRelativePositionBias.forward` with a new window: the offset
///   grid resized by `F.interpolate(mode="bilinear")` (`align_corners=False`, no antialias)
///   through `GridResampler` (Double accumulation, rounded once to fp32).
///
/// The result is fp32; a table already at the target size is returned unchanged. Swin's windows
/// use the same `timm` scheme on tables without class rows (`resample(_:newSide:)`).
public enum RelativePositionBiasResampler {
    public enum Scheme: Sendable {
        case timm, huggingFace
    }

    /// - Throws: `ResampleError.gridMismatch` when the table's rows do not fit `source`,
    ///   `ResampleError.unsupported` for a table that is not 2-D floats.
    public static func resample(_ table: Tensor, source: [Int], target: [Int], scheme: Scheme, name: String) throws -> Tensor {
        guard table.shape.count == 2, table.dtype.isFloatingPoint else {
            throw ResampleError.unsupported(tensor: name, detail: "a relative position bias table must be 2-D floats [rows, heads], is \(table.dtype.rawValue) \(table.shape)")
        }
        guard let rows = ViTRelativePositionBias.tableRows(grid: source), table.shape[0] == rows,
              let targetRows = ViTRelativePositionBias.tableRows(grid: target) else {
            throw ResampleError.gridMismatch(tensor: name, detail: "\(table.shape[0]) rows do not fit a \(source) patch grid ((2·Gh−1)(2·Gw−1)+3)")
        }
        let limit = ViTConfig.Limits.relativeBiasRows
        guard limit.contains(targetRows), let cells = Tensor.elementCount([targetRows, table.shape[1]]), cells <= 1 << 28 else {
            throw ResampleError.unsupported(tensor: name, detail: "a \(target[0])×\(target[1]) grid needs \(targetRows) table rows, more than \(limit.upperBound)")
        }
        guard source != target else { return table }
        let heads = table.shape[1]
        let src = [2 * source[0] - 1, 2 * source[1] - 1], dst = [2 * target[0] - 1, 2 * target[1] - 1]
        let values = table.floatArray()
        let grid = Array(values[0..<((rows - 3) * heads)])
        var out: [Float]
        switch scheme {
        case .huggingFace:
            let r = try GridResampler(source: src, target: dst, interpolation: Interpolation(mode: .bilinear, antialias: false), tensor: name)
            out = r.apply(grid.map(Double.init), depth: heads).map { Float($0) }
        case .timm:
            out = timmLinear(grid, heads: heads, source: src, target: dst)
        }
        out += values[((rows - 3) * heads)...]
        return Tensor(shape: [targetRows, heads], floats: out)
    }

    /// A table of offsets only (Swin's `[(2W−1)², heads]`, no class rows) of a square window,
    /// resampled to `newSide²` rows with timm's scheme; `table` itself when the side is unchanged.
    /// The caller has checked that the table is `[S², heads]` with `S` odd (`SwinDescription`).
    public static func resample(_ table: Tensor, newSide dst: Int) -> Tensor {
        let rows = table.shape[0], heads = table.shape[1]
        let src = Int(Double(rows).squareRoot().rounded())
        guard src != dst else { return table }
        return Tensor(shape: [dst * dst, heads],
                      floats: timmLinear(table.floatArray(), heads: heads, source: [src, src], target: [dst, dst]))
    }

    /// timm's `_calc(src, dst)`: the source offsets `[-dₙ … -d₁, 0, d₁ … dₙ]`, `n = src/2`.
    static func geometricOffsets(source src: Int, target dst: Int) -> [Float] {
        var left = 1.01, right = 1.5, q = 1.0
        let n = src / 2
        while right - left > 1e-6 {
            q = (left + right) / 2
            let gp = (1 - pow(q, Double(n))) / (1 - q)
            if gp > Double(dst / 2) { right = q } else { left = q }
        }
        var dis: [Double] = []
        var cur = 1.0
        for i in 0..<n {
            dis.append(cur)
            cur += pow(q, Double(i + 1))
        }
        return (dis.reversed().map { -$0 } + [0] + dis).map { Float($0) }
    }

    /// `RegularGridInterpolator((ys, xs), z)` at the integer offsets `-t … t` of `target`, per head,
    /// on channel-last `[src0, src1, heads]` values.
    static func timmLinear(_ grid: [Float], heads: Int, source: [Int], target: [Int]) -> [Float] {
        let ys = geometricOffsets(source: source[0], target: target[0])
        let xs = geometricOffsets(source: source[1], target: target[1])
        /// torch.bucketize (right=False) and the clamped neighbours with their distances.
        func taps(_ p: [Float], _ x: Float) -> (Int, Int, Float, Float) {
            var lo = 0, hi = p.count  // first index with p[index] >= x (binary search; p ascends)
            while lo < hi {
                let mid = (lo + hi) / 2
                if p[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            var r = lo
            if r >= p.count { r = p.count - 1 }
            let l = max(0, min(r - 1, p.count - 1))
            var dl = x - p[l], dr = p[r] - x
            if dl < 0 { dl = 0 }
            if dr < 0 { dr = 0 }
            if dl == 0 && dr == 0 { dl = 1; dr = 1 }
            return (l, r, dl, dr)
        }
        let ty = Float(target[0] / 2), tx = Float(target[1] / 2)
        var out = [Float](repeating: 0, count: target[0] * target[1] * heads)
        for i in 0..<target[0] {
            let (yl, yr, dyl, dyr) = taps(ys, -ty + Float(i))
            for j in 0..<target[1] {
                let (xl, xr, dxl, dxr) = taps(xs, -tx + Float(j))
                let den = (dyl + dyr) * (dxl + dxr)
                for h in 0..<heads {
                    func z(_ a: Int, _ b: Int) -> Float { grid[(a * source[1] + b) * heads + h] }
                    var num: Float = 0
                    num += z(yl, xl) * (dyr * dxr)
                    num += z(yl, xr) * (dyr * dxl)
                    num += z(yr, xl) * (dyl * dxr)
                    num += z(yr, xr) * (dyl * dxl)
                    out[(i * target[1] + j) * heads + h] = num / den
                }
            }
        }
        return out
    }
}
