#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Output folders that do not exist yet: checked before a command writes anything, created when its
/// first file is written, and removed again (when still empty) if the command then fails.
public enum OutputFolders {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var created: [String] = []

    /// Why `dir` cannot be created, or nil when it exists or can be: its nearest existing ancestor must
    /// be a writable folder (a file on the way, or a read-only parent, is refused up front).
    public static func problem(creating dir: String) -> String? {
        if FileIdentity.isDirectory(dir) { return nil }
        if FileManager.default.fileExists(atPath: dir) { return "\(dir) is a file, not a folder" }
        var ancestor = dir
        while true {
            let parent = AtomicFileWriter.split(ancestor).0
            if parent == ancestor || ancestor.isEmpty { return "no existing folder above \(dir)" }
            ancestor = parent
            if FileManager.default.fileExists(atPath: ancestor) { break }
        }
        guard FileIdentity.isDirectory(ancestor) else { return "\(ancestor) is a file, not a folder" }
        guard access(ancestor, W_OK | X_OK) == 0 else { return "the folder \(ancestor) is not writable" }
        return nil
    }

    /// Creates `dir` and its missing parents (mode 0755), remembering the ones it made.
    /// - Throws: `FormatError.io` naming the folder that could not be made.
    public static func ensure(_ dir: String) throws {
        guard !FileIdentity.isDirectory(dir) else { return }
        let parent = AtomicFileWriter.split(dir).0
        if parent != dir { try ensure(parent) }
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw FormatError.io(path: dir, detail: "cannot create the output folder: \(String(cString: strerror(errno)))")
        }
        lock.withLock { created.append(dir) }
    }

    /// Removes the folders `ensure` made that are still empty, deepest first: after a failed command.
    public static func removeCreatedIfEmpty() {
        let dirs = lock.withLock { created }
        for d in dirs.reversed() { rmdir(d) }
        lock.withLock { created.removeAll() }
    }
}
