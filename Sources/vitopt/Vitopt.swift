import ArgumentParser
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
        Self.main(nil)
    }
}
