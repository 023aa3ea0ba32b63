internal import CJPEG
internal import CPNG
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calls into the C decode helpers in `Sources/CPNG/shim.h` and `Sources/CJPEG/shim.h`,
/// which own all setjmp/longjmp error recovery.
extension ImageDecoder {
    /// Status codes shared by both C helpers.
    private static let statusUnsupported: Int32 = 2

    static func decodePNG(_ bytes: [UInt8], name: String) throws(ImageError) -> RGBImage {
        var result = vitopt_png_result()
        let status = bytes.withUnsafeBufferPointer { vitopt_png_decode_rgb8($0.baseAddress, $0.count, &result) }
        let message = cMessage(&result.message)
        guard status == 0, let pixels = result.pixels else {
            if status == statusUnsupported { throw .unsupportedImage(path: name, format: "PNG", detail: message) }
            throw .corrupt(path: name, format: "PNG", detail: message)
        }
        defer { free(pixels) }
        return adopt(pixels, width: Int(result.width), height: Int(result.height))
    }

    static func decodeJPEG(_ bytes: [UInt8], name: String) throws(ImageError) -> RGBImage {
        var result = vitopt_jpeg_result()
        let status = bytes.withUnsafeBufferPointer { vitopt_jpeg_decode_rgb8($0.baseAddress, $0.count, &result) }
        let message = cMessage(&result.message)
        guard status == 0, let pixels = result.pixels else {
            if status == statusUnsupported { throw .unsupportedImage(path: name, format: "JPEG", detail: message) }
            throw .corrupt(path: name, format: "JPEG", detail: message)
        }
        defer { free(pixels) }
        return adopt(pixels, width: Int(result.width), height: Int(result.height))
    }

    /// Copies a C helper's malloc'd RGB buffer into an `RGBImage` (the caller frees it).
    private static func adopt(_ pixels: UnsafeMutablePointer<UInt8>, width: Int, height: Int) -> RGBImage {
        let count = width * height * 3
        return RGBImage(width: width, height: height, pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// A NUL-terminated C `char[N]` field as a String.
    private static func cMessage<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            let chars = raw.bindMemory(to: UInt8.self)
            let end = chars.firstIndex(of: 0) ?? chars.count
            return String(decoding: chars[..<end], as: UTF8.self)
        }
    }
}
