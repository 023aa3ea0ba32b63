#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Formats

/// The `--log` file of a training run: one JSON object per line, each written with one `write(2)`
/// as it happens (so a crash loses at most the line being written).
///
/// A fresh run starts the file anew; a resumed run appends to it, so the log of an interrupted and
/// resumed run reads as one. A failing write (full disk) does not stop training: the first error is
/// kept in `writeError`.
public final class TrainingLog {
    public let path: String
    private let fd: Int32
    private let encoder = JSONEncoder()
    /// The first write error, if any.
    public private(set) var writeError: String?

    /// Opens `path`, appending when `append` is true, else truncating it.
    /// - Throws: `FormatError.io` naming the file.
    public init(path: String, append: Bool) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o644)
        guard fd >= 0 else { throw FormatError.io(path: path, detail: "cannot open the log file: \(String(cString: strerror(errno)))") }
        encoder.outputFormatting = [.sortedKeys]
    }

    deinit { close(fd) }

    /// Appends `value` as one JSON line.
    public func append<T: Encodable>(_ value: T) {
        guard let data = try? encoder.encode(value) else { return }
        let line = Array(data) + [UInt8(ascii: "\n")]
        line.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    if writeError == nil { writeError = "\(path): \(String(cString: strerror(errno)))" }
                    return
                }
                off += n
            }
        }
    }
}
