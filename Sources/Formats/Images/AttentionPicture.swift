import Graph

/// Draws `AttentionMaps` over the image the model saw: a row of tiles — the image, the rollout, then
/// each head of the last block — wrapping after eight tiles.
///
/// Each map is min–max scaled to [0, 1] on its own, upsampled bilinearly from the patch grid to the
/// tile (sample positions at pixel centres, as `F.interpolate(..., align_corners=False)`), coloured with
/// the "hot" ramp (black → red → yellow → white) and blended half and half with the image. Tiles are
/// scaled up by an integer factor so that the image side is at least 224 pixels.
public enum AttentionPicture {
    public static let tilesPerRow = 8
    public static let gap = 4

    /// The picture for `maps` over `pixels` (`[1, C, H, W]` model input, normalised with `mean`/`std`).
    public static func render(_ maps: AttentionMaps, pixels: Tensor, mean: [Float], std: [Float]) -> RGBImage {
        let h = pixels.shape[2], w = pixels.shape[3], channels = pixels.shape[1]
        let scale = max(1, (224 + min(h, w) - 1) / min(h, w))
        let th = h * scale, tw = w * scale
        let values = pixels.floatArray()
        // The input as 8-bit RGB, un-normalised (grey inputs replicated).
        var base = [Float](repeating: 0, count: th * tw * 3)
        for y in 0..<th {
            for x in 0..<tw {
                for c in 0..<3 {
                    let src = min(c, channels - 1)
                    let v = values[(src * h + y / scale) * w + x / scale] * std[min(src, std.count - 1)] + mean[min(src, mean.count - 1)]
                    base[(y * tw + x) * 3 + c] = min(max(v, 0), 1)
                }
            }
        }
        let tiles: [[Float]?] = [nil, maps.rollout] + maps.heads.map { Optional($0) }
        let columns = min(tiles.count, tilesPerRow), rows = (tiles.count + tilesPerRow - 1) / tilesPerRow
        let width = columns * tw + (columns - 1) * gap, height = rows * th + (rows - 1) * gap
        var out = [UInt8](repeating: 255, count: width * height * 3)
        for (i, tile) in tiles.enumerated() {
            let ox = (i % tilesPerRow) * (tw + gap), oy = (i / tilesPerRow) * (th + gap)
            let heat = tile.map { upsample(normalised($0), grid: maps.grid, height: th, width: tw) }
            for y in 0..<th {
                for x in 0..<tw {
                    let colour = heat.map { hot($0[y * tw + x]) }
                    for c in 0..<3 {
                        var v = base[(y * tw + x) * 3 + c]
                        if let colour { v = 0.5 * v + 0.5 * colour[c] }
                        out[((oy + y) * width + ox + x) * 3 + c] = UInt8((v * 255).rounded())
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// `map` scaled to [0, 1] (a constant map becomes 0).
    static func normalised(_ map: [Float]) -> [Float] {
        let lo = map.min() ?? 0, hi = map.max() ?? 0
        guard hi > lo else { return map.map { _ in 0 } }
        return map.map { ($0 - lo) / (hi - lo) }
    }

    /// Bilinear upsampling of a `grid[0]×grid[1]` map to `height×width`, sampling at pixel centres.
    static func upsample(_ map: [Float], grid: [Int], height: Int, width: Int) -> [Float] {
        let gh = grid[0], gw = grid[1]
        func axis(_ i: Int, _ n: Int, _ g: Int) -> (Int, Int, Float) {
            let s = max((Float(i) + 0.5) * Float(g) / Float(n) - 0.5, 0)
            let lo = min(Int(s), g - 1)
            return (lo, min(lo + 1, g - 1), s - Float(lo))
        }
        var out = [Float](repeating: 0, count: height * width)
        for y in 0..<height {
            let (y0, y1, fy) = axis(y, height, gh)
            for x in 0..<width {
                let (x0, x1, fx) = axis(x, width, gw)
                let top = map[y0 * gw + x0] * (1 - fx) + map[y0 * gw + x1] * fx
                let bottom = map[y1 * gw + x0] * (1 - fx) + map[y1 * gw + x1] * fx
                out[y * width + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    /// The "hot" colour ramp: red rises over the first third, green the second, blue the last.
    static func hot(_ v: Float) -> [Float] {
        [min(max(3 * v, 0), 1), min(max(3 * v - 1, 0), 1), min(max(3 * v - 2, 0), 1)]
    }
}
