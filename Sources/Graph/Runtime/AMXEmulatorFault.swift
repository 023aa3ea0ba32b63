/// A fault the hardware would have raised on an AMX kernel's tile program, reported by the portable
/// model of the tile instructions (`CAMXTiles`' `amx_emulate.c`) that the int8 and bf16 AMX kernels run
/// on in tests where the CPU has no AMX.
public struct AMXEmulatorFault: Error, CustomStringConvertible, Sendable {
    /// The emulator's `VITOPT_AMX_*` code (never 0).
    public let code: Int32

    public init(code: Int32) { self.code = code }

    public var description: String {
        switch code {
        case 1: "#GP: invalid tile configuration"
        case 2: "#UD: tile instruction on an unconfigured tile"
        case 3: "#UD: tile dot-product operand shapes do not chain"
        default: "AMX emulator fault \(code)"
        }
    }
}
