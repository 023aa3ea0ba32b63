import ArgumentParser
import Foundation

/// `--threads N`: vitopt's own loops and OpenBLAS both use N threads; the default is every core.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for vitopt and OpenBLAS (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
