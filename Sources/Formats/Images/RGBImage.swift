/// A decoded 8-bit RGB image: `height` rows of `width` pixels, row-major, channels interleaved
/// (`pixels[(y * width + x) * 3 + c]`, c = 0 red, 1 green, 2 blue), top row first.
///
/// This is the layout of `numpy.asarray(PIL.Image.open(p).convert("RGB"))` (shape `[h, w, 3]`).
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width · height · 3` bytes.
    public let pixels: [UInt8]

    /// Wraps interleaved RGB bytes; `pixels.count` must be `width · height · 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) bytes for \(width)×\(height)×3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The sample at row `y`, column `x`, channel `c`.
    public subscript(y: Int, x: Int, c: Int) -> UInt8 {
        pixels[(y * width + x) * 3 + c]
    }
}
