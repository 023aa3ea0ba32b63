/// A floating-point image in channel-first ("planar") layout: `channels` planes of `height` rows of
/// `width` samples (`values[(c * height + y) * width + x]`), on the 0…255 scale of 8-bit data.
///
/// This is the working format of `ImageResampler`: resizing in `Float` keeps the fractional parts
/// that Pillow rounds away after each pass.
public struct PlanarImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var values: [Float]

    /// Wraps planar samples; `values.count` must be `channels · height · width`.
    public init(width: Int, height: Int, channels: Int = 3, values: [Float]) {
        precondition(width >= 0 && height >= 0 && channels > 0 && values.count == width * height * channels,
                     "PlanarImage: \(values.count) values for \(channels)×\(height)×\(width)")
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// The 8-bit image's samples as exact `Float`s (0…255), de-interleaved into three planes.
    public init(_ image: RGBImage) {
        let plane = image.width * image.height
        var values = [Float](repeating: 0, count: plane * 3)
        image.pixels.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    dst[i] = Float(src[3 * i])
                    dst[plane + i] = Float(src[3 * i + 1])
                    dst[2 * plane + i] = Float(src[3 * i + 2])
                }
            }
        }
        self.init(width: image.width, height: image.height, channels: 3, values: values)
    }

    /// The sample at channel `c`, row `y`, column `x`.
    public subscript(c: Int, y: Int, x: Int) -> Float {
        values[(c * height + y) * width + x]
    }
}
