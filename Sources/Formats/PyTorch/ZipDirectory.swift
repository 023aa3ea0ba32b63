#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stored (uncompressed) members of a ZIP archive, located without copying: what `torch.save` writes.
///
/// Reads the end-of-central-directory record (ZIP64 when the archive needs it), then every central
/// directory entry and its local header. Every offset and length is checked against the archive's
/// size before use, with overflow-checked arithmetic, so a hostile archive yields `FormatError.corrupt`
/// naming the member, never an out-of-bounds read. Compressed members are listed but refused on access:
/// PyTorch stores every member uncompressed so that tensors can be mapped in place.
struct ZipDirectory {
    /// One member: where its bytes start in the archive, and how many there are.
    struct Member {
        let name: String
        let dataOffset: Int
        let size: Int
        let compression: UInt16
    }

    let path: String
    /// Members by name, in central-directory order.
    let members: [Member]
    let byName: [String: Int]

    /// The most members accepted (a state dict of a giant model has a few thousand).
    static let maxMembers = 1_000_000

    /// Whether `bytes` starts like a ZIP archive (a local file header).
    static func sniff(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    init(path: String, bytes: UnsafeRawBufferPointer) throws {
        self.path = path
        var reader = ZipFieldReader(path: path, bytes: bytes)
        let end = try Self.findEndRecord(&reader)
        var entries = end.entries, cdOffset = end.offset, cdSize = end.size
        if entries == 0xFFFF || cdOffset == 0xFFFF_FFFF || cdSize == 0xFFFF_FFFF, end.position >= 20,
           try reader.u32(end.position - 20) == 0x0706_4B50 {
            let record = try reader.int64(end.position - 20 + 8, "ZIP64 end record offset")
            guard try reader.u32(record) == 0x0606_4B50 else { throw reader.corrupt("ZIP64 end record signature missing") }
            entries = try reader.int64(record + 32, "ZIP64 entry count")
            cdSize = try reader.int64(record + 40, "ZIP64 central directory size")
            cdOffset = try reader.int64(record + 48, "ZIP64 central directory offset")
        }
        guard entries <= Self.maxMembers else { throw reader.corrupt("\(entries) members exceeds the \(Self.maxMembers) limit") }
        guard cdOffset <= bytes.count, cdSize <= bytes.count - cdOffset else {
            throw reader.corrupt("central directory [\(cdOffset), +\(cdSize)) lies outside the \(bytes.count)-byte file")
        }
        var members: [Member] = []
        var byName: [String: Int] = [:]
        var at = cdOffset
        for _ in 0..<entries {
            let member = try Self.readEntry(&reader, at: &at, limit: cdOffset + cdSize)
            guard byName[member.name] == nil else { throw reader.corrupt("member '\(member.name)' appears twice") }
            byName[member.name] = members.count
            members.append(member)
        }
        self.members = members
        self.byName = byName
    }

    /// The bytes of member `name`, or `nil` when there is no such member.
    /// - Throws: `FormatError.unsupported` for a compressed member.
    func data(_ name: String, in bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        guard let i = byName[name] else { return nil }
        let m = members[i]
        guard m.compression == 0 else {
            throw FormatError.unsupported(path: path, detail: "archive member '\(name)' is compressed (method \(m.compression)); PyTorch writes members stored, re-save the checkpoint with torch.save")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[m.dataOffset..<(m.dataOffset + m.size)])
    }

    /// The end-of-central-directory record: 22 bytes plus a comment of at most 65,535 bytes, at the
    /// very end. The last candidate whose comment length reaches the end of the file wins (as when
    /// scanning backwards); candidates begin with the signature's first byte, `P`, which `memchr`
    /// finds without a per-byte loop (a search through 64 KiB of a damaged file was a tenth of a
    /// fuzzing run's time).
    private static func findEndRecord(_ r: inout ZipFieldReader) throws -> (position: Int, entries: Int, size: Int, offset: Int) {
        let count = r.bytes.count
        guard count >= 22, let base = r.bytes.baseAddress else { throw r.corrupt("\(count) bytes is too short for a ZIP archive") }
        func record(at p: Int, _ r: ZipFieldReader) throws -> (position: Int, entries: Int, size: Int, offset: Int)? {
            guard try r.u32(p) == 0x0605_4B50, try Int(r.u16(p + 20)) == count - p - 22 else { return nil }
            return (p, Int(try r.u16(p + 10)), Int(try r.u32(p + 12)), Int(try r.u32(p + 16)))
        }
        let last = count - 22
        if let found = try record(at: last, r) { return found }
        var found: (position: Int, entries: Int, size: Int, offset: Int)?
        var from = max(0, last - 0xFFFF)
        while from < last, let hit = memchr(base + from, 0x50, last - from) {
            let p = base.distance(to: UnsafeRawPointer(hit))
            if let record = try record(at: p, r) { found = record }
            from = p + 1
        }
        guard let found else { throw r.corrupt("no end-of-central-directory record (truncated archive?)") }
        return found
    }

    private static func readEntry(_ r: inout ZipFieldReader, at: inout Int, limit: Int) throws -> Member {
        guard at <= limit - 46, try r.u32(at) == 0x0201_4B50 else {
            throw r.corrupt("central directory entry at byte \(at) is missing or overruns the directory")
        }
        let compression = try r.u16(at + 10)
        var compressed = Int(try r.u32(at + 20)), size = Int(try r.u32(at + 24))
        let nameLength = Int(try r.u16(at + 28)), extraLength = Int(try r.u16(at + 30)), commentLength = Int(try r.u16(at + 32))
        var localOffset = Int(try r.u32(at + 42))
        let entryEnd = at + 46 + nameLength + extraLength + commentLength
        guard entryEnd <= limit else { throw r.corrupt("central directory entry at byte \(at) overruns the directory") }
        let name = String(decoding: r.slice(at + 46, nameLength), as: UTF8.self)
        // ZIP64: the extra field with id 1 holds, in order, each 32-bit field that is saturated.
        var e = at + 46 + nameLength
        let extraEnd = e + extraLength
        while e + 4 <= extraEnd {
            let id = try r.u16(e), length = Int(try r.u16(e + 2))
            guard e + 4 + length <= extraEnd else { throw r.corrupt("member '\(name)': extra field overruns its entry") }
            if id == 1 {
                var f = e + 4
                func next(_ what: String) throws -> Int {
                    guard f + 8 <= e + 4 + length else { throw r.corrupt("member '\(name)': ZIP64 field \(what) missing") }
                    defer { f += 8 }
                    return try r.int64(f, "member '\(name)' \(what)")
                }
                if size == 0xFFFF_FFFF { size = try next("size") }
                if compressed == 0xFFFF_FFFF { compressed = try next("compressed size") }
                if localOffset == 0xFFFF_FFFF { localOffset = try next("offset") }
            }
            e += 4 + length
        }
        at = entryEnd
        guard localOffset <= r.bytes.count - 30, try r.u32(localOffset) == 0x0403_4B50 else {
            throw r.corrupt("member '\(name)': local header at byte \(localOffset) is missing")
        }
        let dataOffset = localOffset + 30 + Int(try r.u16(localOffset + 26)) + Int(try r.u16(localOffset + 28))
        let stored = compression == 0 ? size : compressed
        guard compression != 0 || compressed == size else {
            throw r.corrupt("member '\(name)' is stored but its sizes differ (\(compressed) vs \(size))")
        }
        guard dataOffset <= r.bytes.count, stored <= r.bytes.count - dataOffset else {
            throw r.corrupt("member '\(name)': \(stored) bytes at \(dataOffset) lie outside the \(r.bytes.count)-byte file (truncated?)")
        }
        return Member(name: name, dataOffset: dataOffset, size: stored, compression: compression)
    }
}
