#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only into memory. Tensors viewing it keep it alive; it is unmapped
/// when the last view goes away.
///
/// `init(copying:name:)` makes the same object from bytes already in memory (a copy, 64-byte
/// aligned like a mapping's start), so every reader has one implementation behind its path and its
/// in-memory entry point; `path` is then only the name errors show.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let base: UnsafeRawPointer
    public let size: Int
    /// Whether `base` is an allocation (empty files, in-memory bytes) rather than a mapping.
    private let allocated: Bool

    /// Maps `path`.
    /// - Throws: `FormatError.fileNotFound`, or `.io` when it is a directory or cannot be mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw FormatError.fileNotFound(path: path) }
            throw FormatError.io(path: path, detail: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FormatError.io(path: path, detail: "cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FormatError.io(path: path, detail: "not a regular file") }
        let size = Int(st.st_size)
        self.size = size
        if size == 0 {
            // mmap rejects empty mappings; give empty files a valid, empty region.
            self.base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64))
            self.allocated = true
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw FormatError.io(path: path, detail: "cannot map: \(String(cString: strerror(errno)))")
        }
        self.base = UnsafeRawPointer(p)
        self.allocated = false
    }

    /// A private copy of `bytes`, read as the contents of a file called `name`.
    public init(copying bytes: [UInt8], name: String) {
        self.path = name
        self.size = bytes.count
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { raw in
            if let from = raw.baseAddress, raw.count > 0 { copy.copyMemory(from: from, byteCount: raw.count) }
        }
        self.base = UnsafeRawPointer(copy)
        self.allocated = true
    }

    /// The mapped bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// The first `n` bytes (fewer when the file is shorter).
    public func prefix(_ n: Int) -> [UInt8] { Array(bytes.prefix(n)) }

    deinit {
        if allocated { UnsafeMutableRawPointer(mutating: base).deallocate() } else { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }
}
