import Foundation

/// A private folder per process for readers that take a path (and the name in-memory inputs go by).
///
/// Each target gets its own subfolder and rewrites the same file names there for every input, so a
/// run of millions of inputs uses a handful of directory entries. The folder is removed when the
/// process exits normally (libFuzzer's `exit`, the end of a replay); a process killed by a crash
/// leaves it in the system temporary folder, named `vitopt-fuzz-<pid>-…`.
enum FuzzScratch {
    /// The process's folder, created on first use.
    static let root: String = {
        let tmp = NSTemporaryDirectory()
        let template = (tmp.hasSuffix("/") ? tmp : tmp + "/") + "vitopt-fuzz-\(getpid())-XXXXXX"
        var chars = Array(template.utf8CString)
        let made = chars.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            fputs("vitopt-fuzz: cannot create a scratch folder from \(template)\n", stderr)
            exit(2)
        }
        let path = String(cString: chars)
        atexit { try? FileManager.default.removeItem(atPath: FuzzScratch.root) }
        return path
    }()

    /// `root/<folder>/<name>`, creating the subfolder.
    static func path(_ folder: String, _ name: String) -> String {
        let dir = root + "/" + folder
        mkdir(dir, 0o700)
        return dir + "/" + name
    }

    /// A path in a folder of the scratch folder that is never created: the name in-memory readers
    /// show in errors, beside which nothing (`config.json`, external data) can be found.
    static func virtualPath(_ name: String) -> String {
        root + "/in-memory/" + name
    }

    /// Replaces the file at `path` with `bytes`.
    ///
    /// The old file is unlinked first, so a mapping a reader still holds keeps its own inode and is
    /// never truncated under it.
    static func write(_ bytes: [UInt8], to path: String) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            fputs("vitopt-fuzz: cannot create \(path): \(String(cString: strerror(errno)))\n", stderr)
            exit(2)
        }
        defer { close(fd) }
        var done = 0
        bytes.withUnsafeBytes { buffer in
            while done < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + done, buffer.count - done)
                guard n > 0 else {
                    fputs("vitopt-fuzz: cannot write \(path): \(String(cString: strerror(errno)))\n", stderr)
                    exit(2)
                }
                done += n
            }
        }
    }

    /// Removes the file at `path` (for inputs that leave an optional file out).
    static func remove(_ path: String) {
        unlink(path)
    }
}
