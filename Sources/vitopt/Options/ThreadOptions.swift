import ArgumentParser
import Foundation

/// `--threads N`: vitopt's own loops and OpenBLAS both use N threads; the default is every core.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for vitopt and OpenBLAS (default: all cores).")
    var threads: Int?

    func validate() throws {
        try OptionBounds.check(threads, "--threads", OptionBounds.threads)
    }

    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
