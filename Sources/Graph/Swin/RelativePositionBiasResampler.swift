#if canImport(Glibc)
import Glibc
#endif

/// timm's `resize_rel_pos_bias_table` (timm/layers/pos_embed_rel.py, the path without scipy, which
/// current scipy no longer offers) for a flat `[(2W−1)², heads]` table of a square window: each
/// head's `S×S` grid of biases (`S = 2W−1`) is placed on a geometric progression of offsets
/// (ratio `q` found by bisection so that the outermost offset reaches `D/2` for the new side
/// `D = 2W'−1`, in Double as timm's Python does) and read back at the integer offsets `−D/2…D/2`
/// by bilinear interpolation on that uneven grid (timm's `RegularGridInterpolator`: `bucketize`
/// for the right neighbour, distances clamped at zero, the four weighted corners summed in timm's
/// order, divided by the cell area), in Float as timm's tensors are. Matches timm within 1e-6.
public enum RelativePositionBiasResampler {
    /// - Parameters:
    ///   - table: `[S·S, heads]` with `S` odd.
    ///   - newSide: `D`, odd.
    /// - Returns: `[D·D, heads]`; `table` itself when `D == S`.
    public static func resample(_ table: Tensor, newSide dst: Int) -> Tensor {
        let rows = table.shape[0], heads = table.shape[1]
        let src = Int(Double(rows).squareRoot().rounded())
        guard src != dst else { return table }
        let ys = offsets(src, dst).map { Float($0) }
        let half = Float(dst / 2)
        let targets = (0..<dst).map { -half + Float($0) }
        let values = table.floatArray()
        var out = [Float](repeating: 0, count: dst * dst * heads)
        // per target coordinate: left/right source index and distances
        let cells = targets.map { neighbours($0, ys) }
        for h in 0..<heads {
            func v(_ i: Int, _ j: Int) -> Float { values[(i * src + j) * heads + h] }
            for a in 0..<dst {
                let (yl, yr, dyl, dyr) = cells[a]
                for b in 0..<dst {
                    let (xl, xr, dxl, dxr) = cells[b]
                    var num: Float = 0
                    num += v(yl, xl) * (dyr * dxr)
                    num += v(yl, xr) * (dyr * dxl)
                    num += v(yr, xl) * (dyl * dxr)
                    num += v(yr, xr) * (dyl * dxl)
                    out[(a * dst + b) * heads + h] = num / ((dyl + dyr) * (dxl + dxr))
                }
            }
        }
        return Tensor(shape: [dst * dst, heads], floats: out)
    }

    /// timm's `_calc(src, dst)`: the source offsets, symmetric around 0.
    static func offsets(_ src: Int, _ dst: Int) -> [Double] {
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
        return dis.reversed().map { -$0 } + [0] + dis
    }

    /// `(left, right, x − p[left], p[right] − x)` as timm's interpolator computes them.
    static func neighbours(_ x: Float, _ p: [Float]) -> (Int, Int, Float, Float) {
        // torch.bucketize(right=False): the first index with x <= p[i]
        var r = p.firstIndex { x <= $0 } ?? p.count
        if r >= p.count { r = p.count - 1 }
        let l = min(max(r - 1, 0), p.count - 1)
        var dl = x - p[l], dr = p[r] - x
        if dl < 0 { dl = 0 }
        if dr < 0 { dr = 0 }
        if dl == 0 && dr == 0 { dl = 1; dr = 1 }
        return (l, r, dl, dr)
    }
}
