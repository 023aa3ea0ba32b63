import Testing
import Graph
@testable import Quantize

/// The arity table also covers the int8 kernels (they appear in vitopt's int8 graphs).
@Suite("Op arity table: int8 registry")
struct OpArityInt8Tests {
    @Test func coversInt8Registry() {
        let missing = OpRegistry.int8.kinds.filter { OpArity.table[$0] == nil }
        #expect(missing.isEmpty, "no arity for \(missing)")
    }
}
