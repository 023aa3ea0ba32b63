import ArgumentParser
import Foundation
import Formats

/// The `vitopt` command: a thin shell over the Graph and Formats libraries.
@main
struct Vitopt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitopt",
        abstract: "Inspect, run, evaluate, convert and create Vision Transformer checkpoints.",
        version: "vitopt 0.4.0",
        subcommands: [Inspect.self, Run.self, Eval.self, Convert.self, Compare.self, Create.self, Bench.self, ResizePos.self, QuantizeCommand.self, DistillCommand.self, AttentionCommand.self])

    static func main() {
        BLASEnvironment.ensureVectorKernels()
        // Ctrl-C and SIGTERM remove the temporaries of any write in progress (see Interrupts).
        Interrupts.install()
        var command: ParsableCommand
        do {
            command = try parseAsRoot(nil)
        } catch {
            exit(withError: error)  // usage errors: the message, the usage line, exit 64
        }
        do {
            try command.run()
        } catch let e as ValidationError {
            OutputFolders.removeCreatedIfEmpty()
            // Raised while running, a ValidationError is a failure of the job, not of the command line.
            FileHandle.standardError.write(Data("Error: \(e.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            OutputFolders.removeCreatedIfEmpty()
            exit(withError: error)
        }
    }
}
