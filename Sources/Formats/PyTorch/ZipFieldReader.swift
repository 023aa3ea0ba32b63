/// Bounds-checked little-endian field reads over an archive's bytes.
struct ZipFieldReader {
    let path: String
    let bytes: UnsafeRawBufferPointer

    func corrupt(_ detail: String) -> FormatError { .corrupt(path: path, detail: "ZIP archive: \(detail)") }

    func u16(_ at: Int) throws -> UInt16 {
        guard at >= 0, at <= bytes.count - 2 else { throw corrupt("read past the end at byte \(at)") }
        return bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian
    }

    func u32(_ at: Int) throws -> UInt32 {
        guard at >= 0, at <= bytes.count - 4 else { throw corrupt("read past the end at byte \(at)") }
        return bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian
    }

    /// A 64-bit length or offset, which must fit the file (and so an `Int`).
    func int64(_ at: Int, _ what: String) throws -> Int {
        guard at >= 0, at <= bytes.count - 8 else { throw corrupt("read past the end at byte \(at)") }
        let v = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian
        guard v <= UInt64(bytes.count) else { throw corrupt("\(what) \(v) exceeds the file size \(bytes.count)") }
        return Int(v)
    }

    /// `count` bytes at `at`; callers have checked the range.
    func slice(_ at: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[at..<(at + count)])
    }
}
