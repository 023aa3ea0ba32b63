#if canImport(Glibc)
import Glibc
#endif

/// Writes a file through a temporary sibling and renames it into place on `commit()`, so a failed
/// or interrupted write never leaves a partial output. Dropping an uncommitted writer deletes the
/// temporary file.
public final class AtomicFileWriter {
    public let path: String
    /// The temporary file, for libraries that write by path (libhdf5); `commit()` still fsyncs and renames it.
    public let tempPath: String
    private var fd: Int32
    private var committed = false
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// Creates the temporary file next to `path`.
    public init(path: String) throws {
        self.path = path
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FormatError.io(path: path, detail: "cannot create output: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, min(left, 1 << 26))
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError.io(path: path, detail: "write failed: \(String(cString: strerror(errno)))")
            }
            p += n
            left -= n
            bytesWritten += n
        }
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes, closes and renames the temporary file to `path` (permissions 0644).
    public func commit() throws {
        guard fsync(fd) == 0 else { throw FormatError.io(path: path, detail: "fsync failed: \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o644)
        close(fd)
        fd = -1
        guard rename(tempPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(tempPath)
            throw FormatError.io(path: path, detail: "cannot move output into place: \(message)")
        }
        committed = true
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(tempPath) }
    }
}
