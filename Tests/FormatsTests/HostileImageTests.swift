import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// Image inputs sized to exhaust memory: libpng's own limits refuse absurd sides as it reads the
/// header, and the resize step refuses aspect ratios whose resized image would be enormous.
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

    @Test("a 4000×1 image is not resized to 1,024,000×256 (3 GB) for a shorter-side resize")
    func extremeAspectRatio() throws {
        let image = RGBImage(width: 4000, height: 1, pixels: [UInt8](repeating: 128, count: 12_000))
        let recipe = ViTConfig.Preprocessing.timm(size: [224, 224])
        #expect(throws: ImageError.self) { _ = try ImagePreprocessor.pixelValues(image: image, preprocessing: recipe) }
        // A normal photo shape still works.
        let photo = RGBImage(width: 64, height: 48, pixels: [UInt8](repeating: 128, count: 64 * 48 * 3))
        #expect(try ImagePreprocessor.pixelValues(image: photo, preprocessing: recipe).shape == [1, 3, 224, 224])
    }
}
