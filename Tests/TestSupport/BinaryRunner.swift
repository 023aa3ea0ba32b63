import Foundation

/// Runs the built `vitopt` executable, for end-to-end CLI tests.
public enum BinaryRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The `vitopt` binary next to the test bundle (SwiftPM builds it because the tests depend on it).
    public static var binary: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("vitopt").path,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vitopt").path,
            Fixtures.root + "/.build/debug/vitopt",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    /// Runs `vitopt args…` with no standard input and a 5-minute limit.
    public static func run(_ args: [String], cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Drain both pipes concurrently so a chatty child cannot block.
        final class Box: @unchecked Sendable { var data = Data() }
        let o = Box(), e = Box()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { o.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { e.data = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + 300) == .timedOut {
            p.terminate()
            throw NSError(domain: "BinaryRunner", code: 1, userInfo: [NSLocalizedDescriptionKey: "vitopt \(args) timed out"])
        }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o.data, as: UTF8.self),
                      stderr: String(decoding: e.data, as: UTF8.self))
    }
}
