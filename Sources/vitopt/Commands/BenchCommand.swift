import ArgumentParser

/// `vitopt bench MODEL …` (the default subcommand, so the model form needs no keyword) and
/// `vitopt bench gemm …`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark a model (fp32 against int8) or the int8 GEMM kernel against sgemm.",
        subcommands: [BenchModel.self, BenchGEMM.self],
        defaultSubcommand: BenchModel.self)
}
