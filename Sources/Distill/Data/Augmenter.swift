import Graph

/// Training augmentation on preprocessed `[N, C, H, W]` batches, applied once per image so teacher
/// and student see the same view (function matching).
///
/// Random resized crop as torchvision's `RandomResizedCrop` (area fraction uniform in `[minScale, 1]`,
/// log-uniform aspect ratio in [3/4, 4/3], ten tries then the whole image), resampled back to H×W
/// bilinearly with half-pixel centres (no antialias); then a horizontal flip with probability ½.
/// Draws come from a `SeededGenerator`, so a given seed gives the same views on every machine.
public struct Augmenter: Sendable, Equatable, Codable {
    /// Smallest crop area fraction; `nil` disables cropping.
    public var minScale: Double?
    public var flip: Bool

    public init(minScale: Double?, flip: Bool) {
        self.minScale = minScale
        self.flip = flip
    }

    public var isIdentity: Bool { minScale == nil && !flip }

    /// Augments `batch` in place (it must own its storage); `scratch` holds one image.
    public func apply(_ batch: Tensor, rng: inout SeededGenerator) {
        guard !isIdentity else { return }
        let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let plane = h * w
        var tmp = [Float](repeating: 0, count: c * plane)
        for b in 0..<n {
            let img = batch.mutableFloats + b * c * plane
            var (y0, x0, ch, cw) = (0.0, 0.0, Double(h), Double(w))
            if let s = minScale { (y0, x0, ch, cw) = cropBox(h, w, minScale: s, rng: &rng) }
            let mirror = flip && (rng.next() & 1) == 1
            if minScale == nil && !mirror { continue }
            tmp.withUnsafeMutableBufferPointer { out in
                for k in 0..<c {
                    let src = img + k * plane, dst = out.baseAddress! + k * plane
                    for y in 0..<h {
                        let sy = min(max(y0 + (Double(y) + 0.5) * ch / Double(h) - 0.5, 0), Double(h - 1))
                        let iy = Int(sy), fy = Float(sy - Double(iy)), iy1 = min(iy + 1, h - 1)
                        for x in 0..<w {
                            let xx = mirror ? w - 1 - x : x
                            let sx = min(max(x0 + (Double(xx) + 0.5) * cw / Double(w) - 0.5, 0), Double(w - 1))
                            let ix = Int(sx), fx = Float(sx - Double(ix)), ix1 = min(ix + 1, w - 1)
                            let top = src[iy * w + ix] * (1 - fx) + src[iy * w + ix1] * fx
                            let bottom = src[iy1 * w + ix] * (1 - fx) + src[iy1 * w + ix1] * fx
                            dst[y * w + x] = top * (1 - fy) + bottom * fy
                        }
                    }
                }
                img.update(from: out.baseAddress!, count: c * plane)
            }
        }
    }

    /// `(top, left, height, width)` of a crop in pixels.
    func cropBox(_ h: Int, _ w: Int, minScale: Double, rng: inout SeededGenerator) -> (Double, Double, Double, Double) {
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        let area = Double(h * w)
        for _ in 0..<10 {
            let target = area * (minScale + (1 - minScale) * uniform())
            let ratio = exp(log(3.0 / 4) + (log(4.0 / 3) - log(3.0 / 4)) * uniform())
            let cw = (target * ratio).squareRoot().rounded(), ch = (target / ratio).squareRoot().rounded()
            if cw >= 1, ch >= 1, cw <= Double(w), ch <= Double(h) {
                let top = ((Double(h) - ch) * uniform()).rounded(.down), left = ((Double(w) - cw) * uniform()).rounded(.down)
                return (top, left, ch, cw)
            }
        }
        return (0, 0, Double(h), Double(w))
    }
}

#if canImport(Glibc)
import Glibc
#endif
