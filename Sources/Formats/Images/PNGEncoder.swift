internal import CPNG
#if canImport(Glibc)
import Glibc
#endif

/// 8-bit RGB → PNG bytes through libpng (`Sources/CPNG/shim.h` owns the setjmp error recovery).
public enum PNGEncoder {
    /// The PNG encoding of `image` (8-bit RGB, no interlacing, default compression).
    /// - Throws: `ImageError.corrupt` with libpng's message when encoding fails.
    public static func encode(_ image: RGBImage, name: String) throws -> [UInt8] {
        var out = vitopt_png_output()
        let status = image.pixels.withUnsafeBufferPointer {
            vitopt_png_encode_rgb8($0.baseAddress, UInt32(clamping: image.width), UInt32(clamping: image.height), &out)
        }
        guard status == 0, let bytes = out.bytes else {
            let message = withUnsafeBytes(of: &out.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImageError.corrupt(path: name, format: "PNG", detail: "cannot encode: \(message)")
        }
        defer { free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: out.size))
    }
}
