/// Decodes PNG and JPEG files into 8-bit RGB, pixel-identical to Pillow's
/// `Image.open(path).convert("RGB")` for the cases below.
///
/// - PNG (libpng): 1/2/4/8-bit gray, 8/16-bit gray+alpha, RGB, RGBA, palette (with or without
///   tRNS), interlaced or not. Alpha is discarded, not composited (as `convert("RGB")` does);
///   16-bit samples keep their high byte; no gamma/ICC correction (Pillow applies none).
///   One deliberate divergence: Pillow opens 16-bit gray without alpha as mode `I;16` and its
///   conversion to RGB clips values above 255 (a long-standing Pillow quirk); vitopt keeps v >> 8.
/// - JPEG (libjpeg-turbo, default ISLOW DCT and fancy upsampling, as Pillow): baseline and
///   progressive, gray (replicated to RGB), YCbCr and RGB. CMYK/YCCK JPEGs are refused.
///   Bit-exact against Pillow when both link libjpeg-turbo (its SIMD and C paths agree).
///
/// The format is chosen from the magic bytes, never the extension. EXIF orientation is not
/// applied (Pillow's `open` does not apply it either).
///
/// Untrusted files: the decoders run in C helpers that own libpng's and libjpeg's longjmp error
/// recovery, so a broken file is an `ImageError`, never a crash. Sizes are checked before anything
/// is allocated: at most 2²⁸ pixels (Pillow's bomb limit is ~179 M); PNG sides at most 65535 and
/// ancillary chunks at most 16 MiB (libpng's own limits, applied while it reads the header);
/// JPEG at most 1000 progressive scans and 1 GiB of libjpeg working memory.
public enum ImageDecoder {
    /// Reads and decodes the image at `path`.
    /// - Parameter path: a PNG or JPEG file.
    /// - Returns: the image as interleaved 8-bit RGB.
    /// - Throws: `ImageError.fileNotFound`, `.unreadable`, `.unsupportedFormat` (with a description
    ///   of the magic bytes), `.unsupportedImage`, or `.corrupt` with libpng's/libjpeg's message.
    public static func decode(path: String) throws(ImageError) -> RGBImage {
        let bytes = try readFile(path)
        return try decode(bytes: bytes, name: path)
    }

    /// Decodes an in-memory PNG or JPEG.
    /// - Parameters:
    ///   - bytes: the encoded file.
    ///   - name: what error messages call the data (usually its path).
    /// - Returns: the image as interleaved 8-bit RGB.
    /// - Throws: as `decode(path:)`, except for the file-system cases.
    public static func decode(bytes: [UInt8], name: String) throws(ImageError) -> RGBImage {
        switch ImageFormat.detect(bytes) {
        case .png?: return try decodePNG(bytes, name: name)
        case .jpeg?: return try decodeJPEG(bytes, name: name)
        case nil: throw .unsupportedFormat(path: name, magic: ImageFormat.describeMagic(bytes))
        }
    }
}
