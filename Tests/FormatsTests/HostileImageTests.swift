import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// Image inputs sized to exhaust memory: libpng's own limits refuse absurd sides as it reads the
/// header, and preprocessing computes only the crop, however large the resized image would be.
@Suite("Hostile images")
struct HostileImageTests {
    /// CRC-32 (ISO-HDLC), as PNG chunks use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// A PNG signature and an RGB IHDR declaring `width × height`, nothing after it.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        let body = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + body + bigEndian(crc32(body))
    }

    @Test("a PNG side beyond 65535 pixels is refused by libpng while it reads the header", arguments: [UInt32(70_000), 500_000])
    func pngSide(_ width: UInt32) throws {
        let path = Fixtures.scratch("png-hostile") + "/wide.png"
        try Data(Self.pngHeader(width: width, height: 1)).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ImageDecoder.decode(path: path)
            Issue.record("decoded")
        } catch {
            #expect(error.description.hasPrefix(path) && error.description.contains("width exceeds"), "\(error)")
        }
    }

    @Test("a 4000×1 image's shorter-side resize (1,024,000×256, 3 GB whole) computes only its 224×224 crop")
    func extremeAspectRatio() throws {
        let image = RGBImage(width: 4000, height: 1, pixels: [UInt8](repeating: 128, count: 12_000))
        let p = ViTConfig.Preprocessing.timm(size: [224, 224])
        let recipe = try ImagePreprocessor.Recipe(p)
        #expect(ImagePreprocessor.resizedSize(width: 4000, height: 1, preprocessing: p) == (1_024_000, 256))
        let x = try ImagePreprocessor.pixelValues(image: image, preprocessing: p)
        #expect(x.shape == [1, 3, 224, 224])
        // A flat image stays flat: every sample is 128 up to the Float taps' rounding of their sum.
        let v = x.floatArray(), plane = 224 * 224
        let worst = v.indices.map { abs(v[$0] - (128 / 255 - recipe.mean[$0 / plane]) / recipe.std[$0 / plane]) }.max() ?? .infinity
        #expect(worst < 1e-4, "max deviation \(worst)")
    }

    /// Fuzz/image/regressions/: its SOF hides behind bytes libjpeg skips, so only decoding tells its size.
    static let hugeJPEG = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Fuzz/image/regressions/jpeg-undeclared-84mpx-resize-timeout.jpg"

    @Test("a 217-byte JPEG that decodes to 65476×1280 pixels is preprocessed on its crop alone")
    func undeclaredHugeJPEG() throws {
        let image = try ImageDecoder.decode(path: Self.hugeJPEG)
        #expect(image.width == 65476 && image.height == 1280)
        let p = ViTConfig.Preprocessing.timm(size: [224, 224])
        #expect(ImagePreprocessor.resizedSize(width: image.width, height: image.height, preprocessing: p) == (13095, 256))
        let clock = ContinuousClock(), start = clock.now
        let x = try ImagePreprocessor.pixelValues(image: image, preprocessing: p)
        print("65476×1280 JPEG: preprocessed in \(clock.now - start) (only its 224×224 crop)")
        #expect(x.shape == [1, 3, 224, 224])
        let values = x.floatArray()
        #expect(values.allSatisfy { $0.isFinite })
    }
}
