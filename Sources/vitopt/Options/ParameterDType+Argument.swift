import ArgumentParser
import Graph

/// `--dtype f32|f16|bf16`, case-insensitive; anything else is refused by the parser with the three values.
extension ParameterDType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
