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

    /// A fresh empty directory under the system temp dir.
    public static func scratch(_ name: String = "vitopt-test") -> String {
        let dir = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Reads a `.npy` golden.
    public static func npy(_ relative: String) throws -> Tensor { try NpyArray.read(path: sample(relative)) }
}
