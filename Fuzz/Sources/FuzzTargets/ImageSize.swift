/// The pixel count a PNG or JPEG header declares, read without decoding — for the image target's
/// cap on the images it decodes (see `ImageFuzz`).
enum ImageSize {
    /// Width × height from a PNG's IHDR or a JPEG's first SOF marker; nil when neither is found
    /// where it should be (the decoder then sees the input and refuses it itself).
    static func pixels(_ b: [UInt8]) -> Int? {
        if b.count >= 24, b.starts(with: [0x89, 0x50, 0x4E, 0x47]), b[12...15].elementsEqual(Array("IHDR".utf8)) {
            // PNG sides are 32-bit: their product can pass Int.max, which is as good as "too large".
            let (n, overflow) = be32(b, 16).multipliedReportingOverflow(by: be32(b, 20))
            return overflow ? Int.max : n
        }
        guard b.starts(with: [0xFF, 0xD8]) else { return nil }
        var i = 2
        while i + 9 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (Int(b[i + 5]) << 8 | Int(b[i + 6])) * (Int(b[i + 7]) << 8 | Int(b[i + 8]))
            }
            i += 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
        }
        return nil
    }

    private static func be32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }
}
