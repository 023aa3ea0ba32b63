import Foundation
import Formats
import Graph

/// Paths of the committed fixtures under `samples/`, and a scratch directory per test.
public enum Fixtures {
    /// The repository root (derived from this file's location).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `samples/<relative>`.
    public static func sample(_ relative: String) -> String { root + "/samples/" + relative }

    /// A fresh empty directory under the system temp dir, removed when the test process exits (tests
    /// may also remove it sooner).
    public static func scratch(_ name: String = "vitopt-test") -> String {
        let dir = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ScratchDirectories.shared.add(dir)
        return dir
    }

    /// Reads a `.npy` golden.
    public static func npy(_ relative: String) throws -> Tensor { try NpyArray.read(path: sample(relative)) }
}

/// The scratch directories made by this process, removed at exit so `make test` leaves nothing in /tmp.
final class ScratchDirectories: @unchecked Sendable {
    static let shared: ScratchDirectories = {
        let registry = ScratchDirectories()
        atexit { ScratchDirectories.shared.removeAll() }
        return registry
    }()
    private let lock = NSLock()
    private var paths: [String] = []

    func add(_ path: String) { lock.withLock { paths.append(path) } }

    func removeAll() {
        let all = lock.withLock { paths }
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
