import Testing
@testable import Formats

/// `ZipDirectory` finds the end-of-central-directory record wherever its comment leaves it, among
/// stray `P` bytes, and refuses an archive without one (the search runs on `memchr` candidates).
@Suite("ZIP end record")
struct ZipEndRecordTests {
    /// An empty archive's end record with `comment` after it.
    static func endRecord(comment: [UInt8]) -> [UInt8] {
        [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 16) + [UInt8(comment.count & 0xFF), UInt8(comment.count >> 8)] + comment
    }

    static func directory(_ bytes: [UInt8]) throws -> ZipDirectory {
        try bytes.withUnsafeBytes { try ZipDirectory(path: "test.zip", bytes: $0) }
    }

    @Test("found behind a comment, among stray P bytes", arguments: [0, 1, 5, 300, 65_535])
    func foundBehindComment(commentLength: Int) throws {
        // The comment and the bytes before the record are full of 'P' and of near-signatures.
        let noise = (0..<commentLength).map { [0x50, 0x4B, 0x05, 0x50, 0x41][$0 % 5] as UInt8 }
        let lead = [UInt8](repeating: 0x50, count: 40) + [0x50, 0x4B, 0x05, 0x06, 0, 0]
        let directory = try Self.directory(lead + Self.endRecord(comment: noise))
        #expect(directory.members.isEmpty)
    }

    @Test("a record whose comment length does not reach the end is not taken")
    func commentLengthMustReachTheEnd() throws {
        var bytes = Self.endRecord(comment: [1, 2, 3])
        bytes[20] = 2 // says 2 bytes of comment, 3 follow
        #expect(throws: FormatError.self) { try Self.directory(bytes) }
        #expect(throws: FormatError.self) { try Self.directory([UInt8](repeating: 0x50, count: 70_000)) }
        #expect(throws: FormatError.self) { try Self.directory([0x50, 0x4B, 0x05, 0x06]) }
    }
}
