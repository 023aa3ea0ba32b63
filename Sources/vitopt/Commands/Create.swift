import ArgumentParser
import Formats
import Graph

struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a randomly initialised model of a named timm architecture (for benchmarks; no download).")

    @Argument(help: "Architecture, e.g. vit_base_patch16_224, deit_tiny_distilled_patch16_224 (see --list).")
    var arch: String?

    @Argument(help: "Output .safetensors file.")
    var output: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Number of classes (0 for no head).")
    var classes = 1000

    @Option(help: "Naming convention of the output: timm or hf.")
    var naming = "timm"

    @Flag(help: "List the known architectures.")
    var list = false

    func validate() throws {
        try OptionBounds.check(classes, "--classes", OptionBounds.classes)
    }

    func run() throws {
        if list {
            for a in ModelFactory.architectures { print(a) }
            return
        }
        guard let arch, let output else { throw ValidationError("give ARCH and OUTPUT (or --list)") }
        guard classes >= 0 else { throw ValidationError("--classes must be 0 or more") }
        let convention = try NamingConvention.parse(naming)
        var outputs = OutputGuard()
        try outputs.claim(output)
        let model = try ModelFactory.random(architecture: arch, classes: classes, seed: seed)
        let bytes = model.tensors.values.reduce(0) { $0 + $1.byteCount }
        let summary = try ProgressLine.writing("create", totalBytes: bytes) { try ModelSaver.save(model, to: output, naming: convention) }
        for w in summary.warnings { Console.warn(w) }
        print("wrote \(output): \(arch), \(model.tensors.values.reduce(0) { $0 + $1.count }) parameters, seed \(seed)")
    }
}
