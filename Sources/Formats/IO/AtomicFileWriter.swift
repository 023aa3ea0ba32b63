#if canImport(Glibc)
import Glibc
#endif

/// Writes a file through a hidden temporary sibling (`.NAME.tmp-XXXXXXXX`, unique per writer) and
/// renames it into place on `commit()`, so a failed or interrupted write never leaves a partial
/// output. Dropping an uncommitted writer deletes the temporary; so does SIGINT/SIGTERM (the
/// temporary is registered with `TemporaryFiles` before it is created).
///
/// Inside `AtomicFileSet.committing { … }`, `commit()` only flushes the file to disk and queues it:
/// the set renames all its files together at the end (see `AtomicFileSet`).
public final class AtomicFileWriter {
    public let path: String
    /// The temporary file, for libraries that write by path (libhdf5); `commit()` still fsyncs and renames it.
    public let tempPath: String
    private var fd: Int32
    private var slot: Int?
    private var committed = false
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// Creates the temporary file next to `path`.
    /// - Throws: `FormatError.io` naming `path` when the folder cannot take a new file.
    public init(path: String) throws {
        self.path = path
        let (dir, base) = Self.split(path)
        try OutputFolders.ensure(dir)
        var attempt = 0
        while true {
            let candidate = "\(dir)/.\(base).tmp-\(Self.randomSuffix())"
            let slot = TemporaryFiles.register(candidate)
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                self.fd = fd
                self.slot = slot
                self.tempPath = candidate
                return
            }
            let err = errno
            TemporaryFiles.unregister(slot)
            attempt += 1
            if err != EEXIST || attempt >= 100 {
                throw FormatError.io(path: path, detail: "cannot create output: \(String(cString: strerror(err)))")
            }
        }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        guard fd >= 0 else { throw FormatError.io(path: path, detail: "write after commit") }
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

    /// Flushes, closes and renames the temporary file to `path` (permissions 0644). Inside an
    /// `AtomicFileSet`, flushes, closes and queues it for the set's commit instead.
    public func commit() throws {
        try flush()
        if let set = AtomicFileSet.current {
            set.enqueue(self)
            return
        }
        try renameIntoPlace()
        AtomicFileSet.syncDirectory(of: path)
    }

    /// fsync, permissions 0644, close: the temporary is complete on disk.
    func flush() throws {
        guard fd >= 0 else { return }
        guard fsync(fd) == 0 else { throw FormatError.io(path: path, detail: "fsync failed: \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o644)
        close(fd)
        fd = -1
    }

    /// Renames the flushed temporary to `path`; on failure the temporary is deleted.
    func renameIntoPlace() throws {
        guard rename(tempPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(tempPath)
            TemporaryFiles.unregister(slot)
            slot = nil
            throw FormatError.io(path: path, detail: "cannot move output into place: \(message)")
        }
        committed = true
        TemporaryFiles.unregister(slot)
        slot = nil
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(tempPath) }
        TemporaryFiles.unregister(slot)
    }

    /// The folder (never empty) and last component of `path`.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
