import Foundation
import Testing
import TestSupport
@testable import Formats

/// CMYK JPEGs (as Pillow, Photoshop and print workflows write them, Adobe-inverted with an APP14 marker)
/// decode to Pillow's `convert("RGB")` pixels exactly.
@Suite struct CMYKJPEGTests {
    @Test func cmykDecodeMatchesPillow() throws {
        let image = try ImageDecoder.decode(path: Fixtures.sample("preprocess/photo_cmyk.jpg"))
        let golden = try Fixtures.npy("preprocess/photo_cmyk_rgb.npy")
        #expect(golden.shape == [100, 150, 3] && image.width == 150 && image.height == 100)
        let diff = zip(image.pixels, golden.bytes).map { abs(Int($0) - Int($1)) }.max() ?? -1
        #expect(diff == 0, "max |diff| \(diff)")
    }
}
