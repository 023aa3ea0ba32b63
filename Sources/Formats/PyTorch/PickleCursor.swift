/// Bounds-checked reads of a pickle's operands, little-endian unless stated.
struct PickleCursor {
    let bytes: UnsafeRawBufferPointer
    let fail: (String) -> FormatError
    private(set) var position = 0

    init(bytes: UnsafeRawBufferPointer, fail: @escaping (String) -> FormatError) {
        self.bytes = bytes
        self.fail = fail
    }

    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - position else {
            throw fail("an operand of \(n) bytes at byte \(position) runs past the end (\(bytes.count) bytes)")
        }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    mutating func byte() throws -> UInt8 { try bytes(1)[0] }

    /// An unsigned little-endian integer of `n` (1...8) bytes.
    mutating func uint(_ n: Int) throws -> UInt64 {
        let b = try bytes(n)
        var v: UInt64 = 0
        for i in (0..<n).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    /// A length operand of `n` bytes that must fit in what is left of the input.
    mutating func length(_ n: Int) throws -> Int {
        let v = try uint(n)
        guard v <= UInt64(bytes.count - position) else { throw fail("length \(v) at byte \(position) exceeds the input") }
        return Int(v)
    }

    /// A two's-complement little-endian integer of `n` bytes (LONG1), which must fit in 64 bits.
    mutating func long(_ n: Int) throws -> Int {
        guard n <= 8 else { throw fail("an integer of \(n) bytes at byte \(position) does not fit in 64 bits") }
        if n == 0 { return 0 }
        let v = try uint(n)
        let shift = UInt64(64 - 8 * n)
        return Int(truncatingIfNeeded: v << shift) >> Int(shift)
    }

    mutating func utf8(_ n: Int) throws -> String {
        let b = try bytes(n)
        guard let s = String(validating: b, as: UTF8.self) else { throw fail("a string at byte \(position - n) is not UTF-8") }
        return s
    }

    /// A newline-terminated ASCII operand (GLOBAL's module and name), at most 256 bytes.
    mutating func line() throws -> String {
        var out: [UInt8] = []
        while true {
            let c = try byte()
            if c == 0x0A { break }
            guard out.count < 256 else { throw fail("a GLOBAL name at byte \(position) is longer than 256 bytes") }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
