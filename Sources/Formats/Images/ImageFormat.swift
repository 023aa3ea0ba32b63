/// The image container formats vitopt decodes, recognised by their magic bytes (never by the
/// file name's extension).
public enum ImageFormat: String, Sendable {
    /// `89 50 4E 47 0D 0A 1A 0A`.
    case png = "PNG"
    /// `FF D8 FF` (SOI followed by any marker).
    case jpeg = "JPEG"

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The format whose signature `bytes` start with, or nil.
    public static func detect<C: Collection>(_ bytes: C) -> ImageFormat? where C.Element == UInt8 {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// A human description of an unrecognised file's first bytes, for error messages: the first
    /// 8 bytes in hex, their printable ASCII, and the format they belong to when it is a known one.
    static func describeMagic<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head.isEmpty { return "the file is empty" }
        let hex = head.map { b -> String in
            let s = String(b, radix: 16, uppercase: true)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: " ")
        let ascii = String(head.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
        var text = "starts with \(hex) (\"\(ascii)\")"
        if let known = knownOther(head) { text += ", which looks like \(known)" }
        return text + "; expected PNG (89 50 4E 47 …) or JPEG (FF D8 FF …)"
    }

    /// Formats users commonly feed by mistake.
    private static func knownOther(_ head: [UInt8]) -> String? {
        func has(_ s: String, at offset: Int = 0) -> Bool {
            let u = Array(s.utf8)
            return head.count >= offset + u.count && Array(head[offset..<offset + u.count]) == u
        }
        if has("GIF8") { return "GIF" }
        if has("BM") { return "BMP" }
        if has("RIFF") { return "RIFF (WebP?)" }
        if has("II*") || has("MM") && head.count >= 4 && head[2] == 0 && head[3] == 0x2A { return "TIFF" }
        if has("ftyp", at: 4) { return "HEIF/AVIF/MP4" }
        if head.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return "a NumPy .npy file" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "a damaged PNG signature" }
        if head.starts(with: [0xFF, 0xD8]) { return "a damaged JPEG signature" }
        if head.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "text" }
        return nil
    }
}
