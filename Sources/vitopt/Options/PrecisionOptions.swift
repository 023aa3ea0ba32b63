import ArgumentParser
import Graph

extension Precision: ExpressibleByArgument {}

/// `--precision fp32|bf16`: the arithmetic of the Linear layers (see `Precision`).
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Linear layers in fp32, or bf16 (bf16 operands, fp32 accumulation; AVX512-BF16; fp32 on CPUs without it).")
    var precision: Precision = .fp32

    /// Rejects bf16 for an int8 model, whose Linear layers are int8 already.
    func check(_ model: RunnableModel, path: String) throws {
        guard precision == .bf16, model.int8 != nil || model.onnxInt8 != nil else { return }
        throw ValidationError("\(path) is an int8 model: --precision bf16 applies to fp32 models (run the fp32 model with --precision bf16, or this one without it)")
    }

    /// The bf16 path the Linear layers will run on; warns when bf16 was asked for on a CPU without bf16
    /// hardware (they then run in fp32).
    /// - Throws: `GraphError` for an unusable `VITOPT_BF16_KERNEL`.
    func resolve() throws -> BF16GEMM.Path? {
        guard precision == .bf16 else { return nil }
        let path = try BF16GEMM.selectedPath()
        if path == nil { Console.warn("this CPU has no AVX512-BF16: --precision bf16 runs the Linear layers in fp32") }
        return path
    }
}
