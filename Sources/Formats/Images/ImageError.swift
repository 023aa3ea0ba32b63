/// Errors decoding or preprocessing an image. Every file-related case names the file.
///
/// libpng and libjpeg never print or abort: their fatal errors arrive here as `.corrupt`, with the
/// library's own message.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    /// The file exists but cannot be read (a directory, no permission, an I/O error).
    case unreadable(path: String, detail: String)
    /// The magic bytes are neither PNG nor JPEG; `magic` describes what they look like.
    case unsupportedFormat(path: String, magic: String)
    /// A PNG or JPEG vitopt does not decode (CMYK JPEG, more than 2^28 pixels, …).
    case unsupportedImage(path: String, format: String, detail: String)
    /// Broken or truncated data; `detail` is libpng's or libjpeg's message.
    case corrupt(path: String, format: String, detail: String)
    /// The preprocessing recipe cannot be applied (bad sizes, unknown interpolation, …).
    case invalidPreprocessing(detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .unreadable(let p, let d): return "\(p): cannot read: \(d)"
        case .unsupportedFormat(let p, let m): return "\(p): not a PNG or JPEG image: \(m)"
        case .unsupportedImage(let p, let f, let d): return "\(p): unsupported \(f) image: \(d)"
        case .corrupt(let p, let f, let d): return "\(p): corrupt or truncated \(f) data: \(d)"
        case .invalidPreprocessing(let d): return "invalid preprocessing: \(d)"
        }
    }
}
