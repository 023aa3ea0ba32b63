#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Several files written as one commit, as far as a POSIX filesystem allows: a model and its
/// `config.json`, an ONNX model and its external data.
///
/// `committing { … }` runs its body with this set current: every `AtomicFileWriter.commit()` inside
/// only fsyncs its temporary and queues it. When the body returns, the set
/// 1. takes an exclusive `flock` on each folder involved (concurrent vitopt writers into one folder
///    commit one after the other, so the last writer's set wins as a whole, never a mix),
/// 2. runs the `verify` checks (e.g. that `config.json` still describes what was decided),
/// 3. with SIGINT/SIGTERM held back, moves every existing target aside (`.NAME.old-*`), renames the
///    temporaries into place in queue order, fsyncs the folders and deletes the old files.
/// Readers thus never see a model beside a side file of another write; a failure puts the old files
/// back; a body that throws leaves no temporary. What is not atomic: the targets appear one after
/// the other (a power cut during step 3 can leave the old files as hidden `.NAME.old-*` siblings and
/// only part of the new set). A single queued file is simply renamed over its target.
/// Nested `committing` calls join the outermost set.
public final class AtomicFileSet: @unchecked Sendable {
    @TaskLocal static var current: AtomicFileSet?

    private var writers: [AtomicFileWriter] = []
    private var checks: [() throws -> Void] = []

    /// Runs `body`, then commits every file it wrote as one set (see the type's documentation).
    /// - Parameter verify: run under the folder locks just before the renames; throwing aborts the
    ///   commit with no file changed.
    /// - Throws: the body's or `verify`'s error (nothing is written), or `FormatError.io` when a
    ///   rename fails (the previous files are restored).
    @discardableResult
    public static func committing<T>(verify: (() throws -> Void)? = nil, _ body: () throws -> T) throws -> T {
        if let outer = current {
            if let verify { outer.checks.append(verify) }
            return try body()
        }
        let set = AtomicFileSet()
        if let verify { set.checks.append(verify) }
        let value = try $current.withValue(set) { try body() }
        try set.commit()
        return value
    }

    func enqueue(_ writer: AtomicFileWriter) { writers.append(writer) }

    private func commit() throws {
        let dirs = Array(Set(writers.map { AtomicFileWriter.split($0.path).0 })).sorted()
        let locks = dirs.map(Self.lock)
        defer { for fd in locks where fd >= 0 { flock(fd, LOCK_UN); close(fd) } }
        for check in checks { try check() }
        guard writers.count > 1 else {
            if let w = writers.first { try w.renameIntoPlace(); Self.syncDirectory(of: w.path) }
            return
        }
        try Interrupts.critical {
            var asides: [(target: String, aside: String)] = []
            func restore() { for a in asides.reversed() { rename(a.aside, a.target) } }
            for w in writers {
                var st = stat()
                guard lstat(w.path, &st) == 0 else { continue }
                let (dir, base) = AtomicFileWriter.split(w.path)
                let aside = "\(dir)/.\(base).old-\(AtomicFileWriter.randomSuffix())"
                guard rename(w.path, aside) == 0 else {
                    let message = String(cString: strerror(errno))
                    restore()
                    throw FormatError.io(path: w.path, detail: "cannot move the previous file aside: \(message)")
                }
                asides.append((w.path, aside))
            }
            var placed: [String] = []
            for w in writers {
                do {
                    try w.renameIntoPlace()
                    placed.append(w.path)
                } catch {
                    for p in placed where !asides.contains(where: { $0.target == p }) { unlink(p) }
                    restore()
                    throw error
                }
            }
            for d in dirs { Self.syncDirectory(d) }
            for a in asides { unlink(a.aside) }
        }
    }

    /// An exclusive lock on folder `dir` (-1 when it cannot be opened: the commit goes on unlocked).
    private static func lock(_ dir: String) -> Int32 {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return -1 }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { close(fd); return -1 }
        }
        return fd
    }

    /// fsyncs the folder holding `path`, so its renames survive a power cut.
    static func syncDirectory(of path: String) { syncDirectory(AtomicFileWriter.split(path).0) }

    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
