#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small text files of /proc and /sys, read without Foundation.
enum SystemFile {
    /// The first 64 KB of `path`, or `nil` when it cannot be read.
    static func text(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// The file's content as one integer (`nil` for `max`, empty or unreadable).
    static func int(_ path: String) -> Int? {
        text(path).flatMap { Int($0.filter { !$0.isWhitespace }) }
    }

    /// The value of the line `key value` in a `memory.stat`-style file.
    static func field(_ path: String, _ key: String) -> Int? {
        guard let lines = text(path)?.split(separator: "\n") else { return nil }
        for line in lines {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key { return Int(parts[1]) }
        }
        return nil
    }
}
