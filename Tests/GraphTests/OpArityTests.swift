import Testing
@testable import Graph

/// The arity table covers every op a registry runs, and agrees with the kernels' own checks.
@Suite("Op arity table")
struct OpArityTests {
    @Test("every op of the ONNX registry (which includes the standard one) has an entry")
    func coversRegistry() {
        let missing = OpRegistry.onnx.kinds.filter { OpArity.table[$0] == nil }
        #expect(missing.isEmpty, "no arity for \(missing)")
        for op in ["Shape", "Constant", "ConstantOfShape", "Dropout"] { #expect(OpArity.table[op] != nil, "\(op)") }
    }

    @Test("check: counts, empty required inputs, trailing optional inputs, outputs")
    func check() throws {
        try OpArity.check(Node(name: "g", op: "Gemm", inputs: ["a", "b"], outputs: ["y"]))
        try OpArity.check(Node(name: "c", op: "Clip", inputs: ["x", "", "hi"], outputs: ["y"]))
        #expect(throws: GraphError.arity(node: "t", op: "Transpose", expected: "1", got: 0)) {
            try OpArity.check(Node(name: "t", op: "Transpose", inputs: [], outputs: ["y"]))
        }
        #expect(throws: GraphError.self) { try OpArity.check(Node(name: "m", op: "MatMul", inputs: ["", "b"], outputs: ["y"])) }
        #expect(throws: GraphError.self) { try OpArity.check(Node(name: "w", op: "Where", inputs: ["c", "a", "b", "d"], outputs: ["y"])) }
        #expect(throws: GraphError.self) { try OpArity.check(Node(name: "r", op: "Relu", inputs: ["x"], outputs: [])) }
        #expect(throws: GraphError.unknownOp(node: "f", op: "Fancy")) { try OpArity.check(Node(name: "f", op: "Fancy", inputs: [], outputs: ["y"])) }
    }
}
