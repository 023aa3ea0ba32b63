/// The token bookkeeping of Swin's shifted windows, shared by the `WindowAttention` kernel and its
/// ONNX export so both walk the windows the same way.
package enum SwinWindows {
    /// For every window of the grid shifted by `−shift` (row-major windows, row-major positions
    /// inside), the original token index at each position and the region (of the libraries' 3×3
    /// shift regions, `ry·3 + rx`) the position belongs to. Both arrays have `gh·gw` entries.
    /// Needs `grid % window == 0` and `0 ≤ shift < window` per axis (checked by the callers).
    package static func order(grid: [Int], window: [Int], shift: [Int]) -> (tokens: [Int], regions: [Int]) {
        let (gh, gw, wh, ww, sh, sw) = (grid[0], grid[1], window[0], window[1], shift[0], shift[1])
        func region(_ p: Int, _ size: Int, _ win: Int, _ s: Int) -> Int {
            guard s > 0 else { return 0 }
            return p < size - win ? 0 : (p < size - s ? 1 : 2)
        }
        var tokens: [Int] = [], regions: [Int] = []
        tokens.reserveCapacity(gh * gw)
        regions.reserveCapacity(gh * gw)
        for wy in 0..<(gh / wh) {
            for wx in 0..<(gw / ww) {
                for i in 0..<(wh * ww) {
                    let y = wy * wh + i / ww, x = wx * ww + i % ww
                    tokens.append(((y + sh) % gh) * gw + (x + sw) % gw)
                    regions.append(region(y, gh, wh, sh) * 3 + region(x, gw, ww, sw))
                }
            }
        }
        return (tokens, regions)
    }

    /// The relative position bias table row of each (query, key) pair of a `window`, row-major
    /// `[area, area]`: `(yᵢ−yⱼ+Wh−1)(2Ww−1) + xᵢ−xⱼ+Ww−1`.
    package static func biasIndex(window: [Int]) -> [Int] {
        let (wh, ww) = (window[0], window[1]), area = wh * ww
        var idx = [Int](repeating: 0, count: area * area)
        for i in 0..<area {
            for j in 0..<area { idx[i * area + j] = (i / ww - j / ww + wh - 1) * (2 * ww - 1) + (i % ww - j % ww + ww - 1) }
        }
        return idx
    }
}
