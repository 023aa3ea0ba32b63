import Foundation

/// Checks the global heap collections of an HDF5 file before libhdf5 reads a variable-length string.
///
/// libhdf5 (1.10, Debian's) decodes a collection without checking its objects against the collection:
/// an object size that runs past the collection makes `H5HG_read` copy from a wild address, and a
/// free-space object of the wrong size makes it loop without end. Both were found by fuzzing
/// (`Fuzz/hdf5/regressions/libhdf5-*`). A variable-length string's heap reference is not readable
/// without that decoding, so every collection in the file is checked instead, once per file.
///
/// A collection is the bytes `GCOL`, version 1, three zero bytes and its size (the superblock's
/// "size of lengths", `L` bytes), then objects: a 2-byte index, a 2-byte reference count, 4 reserved
/// bytes and an `L`-byte size, then the data padded to 8 bytes. Index 0 is the free space: its size is
/// all that remains of the collection, header included. Checked: the collection lies in the file, each
/// object fits in what remains (overflow-checked), and the free space is exactly what remains. Bytes
/// `GCOL` followed by anything but version 1 and zero bytes are not taken for a collection.
enum HDF5GlobalHeapCheck {
    /// The first problem found in the file's collections, or `nil` when every one is well-formed.
    static func problem(in bytes: UnsafeRawBufferPointer) -> String? {
        let lengthSize = sizeOfLengths(bytes) ?? 8
        let header = 8 + lengthSize
        var from = 0
        while let at = find(bytes, from: from) {
            from = at + 4
            guard at + header <= bytes.count, bytes[at + 4] == 1, bytes[at + 5] == 0, bytes[at + 6] == 0, bytes[at + 7] == 0 else { continue }
            let size = readLength(bytes, at + 8, lengthSize)
            guard size >= UInt64(header), size <= UInt64(bytes.count - at) else {
                return "the collection at byte \(at) declares \(size) bytes; \(bytes.count - at) remain in the file"
            }
            let end = at + Int(size)
            var p = at + header
            while end - p >= header {
                let index = Int(bytes[p]) | Int(bytes[p + 1]) << 8
                let objectSize = readLength(bytes, p + 8, lengthSize)
                let remaining = UInt64(end - p)
                if index == 0 {
                    guard objectSize == remaining else {
                        return "the free space of the collection at byte \(at) is \(objectSize) bytes where \(remaining) remain"
                    }
                    break
                }
                let (padded, overflow) = objectSize.addingReportingOverflow(7)
                guard !overflow, padded & ~7 <= remaining - UInt64(header) else {
                    return "object \(index) of the collection at byte \(at) is \(objectSize) bytes; \(remaining) remain in the collection"
                }
                p += header + Int(padded & ~7)
            }
        }
        return nil
    }

    /// The superblock's "size of lengths" (versions 0–3, at byte 0 of the file), when it is 2, 4 or 8.
    static func sizeOfLengths(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count > 14 else { return nil }
        let version = bytes[8]
        let size = Int(version <= 1 ? bytes[14] : bytes[10])
        return [2, 4, 8].contains(size) ? size : nil
    }

    private static func readLength(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) -> UInt64 {
        guard at + width <= bytes.count else { return .max }
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(bytes[at + i]) }
        return v
    }

    /// The offset of the next `GCOL` at or after `from` (`memchr` for the `G`, then the rest).
    private static func find(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var at = from
        while at + 4 <= bytes.count {
            guard let hit = memchr(base + at, Int32(UInt8(ascii: "G")), bytes.count - 3 - at) else { return nil }
            at = base.distance(to: UnsafeRawPointer(hit))
            if bytes[at + 1] == UInt8(ascii: "C"), bytes[at + 2] == UInt8(ascii: "O"), bytes[at + 3] == UInt8(ascii: "L") { return at }
            at += 1
        }
        return nil
    }
}
