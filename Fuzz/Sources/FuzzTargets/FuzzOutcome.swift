/// What one input did to a reader. Both cases are fine outcomes for a fuzz input; only a trap, a
/// hang or an unbounded allocation is a finding (libFuzzer reports those itself).
public enum FuzzOutcome: Equatable, Sendable {
    /// The reader accepted the input and everything it returned was touched.
    case accepted
    /// The reader refused the input with a thrown error (its description).
    case rejected(String)

    /// Runs `body`, turning a thrown error into `.rejected`.
    static func of(_ body: () throws -> Void) -> FuzzOutcome {
        do {
            try body()
            return .accepted
        } catch {
            return .rejected(String(describing: error))
        }
    }
}
