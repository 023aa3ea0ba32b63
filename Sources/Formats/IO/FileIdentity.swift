#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What makes two paths the same file: device and inode for an existing file (symbolic links
/// followed), else the real path of its folder and its name (for outputs not created yet).
struct FileIdentity: Hashable, Sendable {
    enum Key: Hashable, Sendable {
        case inode(device: UInt64, inode: UInt64)
        case name(folder: String, name: String)
    }

    let key: Key

    /// The identity of `path` now.
    init(_ path: String) {
        var st = stat()
        if stat(path, &st) == 0 {
            key = .inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            return
        }
        let (dir, base) = AtomicFileWriter.split(path)
        key = .name(folder: Self.realFolder(dir), name: base)
    }

    /// `dir` with links and `.`/`..` resolved (as given when it does not exist).
    static func realFolder(_ dir: String) -> String {
        guard let p = realpath(dir, nil) else {
            return URL(fileURLWithPath: dir).standardizedFileURL.path
        }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether `path` exists as a file (not a folder), following links.
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
