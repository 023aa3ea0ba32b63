import Testing
@testable import Graph

/// ONNX `Pad` (constant mode), `GlobalAveragePool`, `Not` and `GreaterOrEqual`, the operators
/// timm's and transformers' Swin exports use.
@Suite struct PadKernelTests {
    func pad(_ attrs: [String: Attribute]) -> Node { Node(name: "pad", op: "Pad", inputs: ["x"], outputs: ["y"], attributes: attrs) }

    @Test func padsWithZerosOrTheValue() throws {
        let x = Tensor(shape: [1, 2, 2], floats: [1, 2, 3, 4])
        let y = try PadKernel().run(node: pad(["pads": .ints([0, 1, 0, 0, 0, 1])]), inputs: [x], context: ExecutionContext(threads: 1))[0]
        #expect(y.shape == [1, 3, 3] && y.floatArray() == [0, 0, 0, 1, 2, 0, 3, 4, 0])
        let z = try PadKernel().run(node: pad(["pads": .ints([1, 1]), "axes": .ints([-1]), "pad_value": .floats([7])]), inputs: [x],
                                    context: ExecutionContext(threads: 1))[0]
        #expect(z.shape == [1, 2, 4] && z.floatArray() == [7, 1, 2, 7, 7, 3, 4, 7])
    }

    @Test(arguments: [
        ["pads": Attribute.ints([0, -1, 0, 0, 0, 0])], ["pads": .ints([0, 0, 0])], ["pads": .ints([0, 0, 0, 0, 0, 0]), "mode": .string("reflect")],
        ["pads": .ints([0, Int.max, 0, 0, 0, 0])], [:],
    ])
    func refusesWhatItDoesNotDo(_ attrs: [String: Attribute]) {
        let info = ValueInfo(name: "x", shape: [.batch, .fixed(2), .fixed(2)])
        #expect(throws: GraphError.self) { try PadKernel().inferShapes(node: pad(attrs), inputs: [info]) }
    }

    @Test func poolsNotsAndCompares() throws {
        let ctx = ExecutionContext(threads: 1)
        let x = Tensor(shape: [1, 2, 2, 1], floats: [1, 3, 5, 9])
        let avg = try GlobalAveragePoolKernel().run(node: Node(name: "gap", op: "GlobalAveragePool", inputs: ["x"], outputs: ["y"]), inputs: [x], context: ctx)[0]
        #expect(avg.shape == [1, 2, 1, 1] && avg.floatArray() == [2, 7])
        let ge = ONNXBinaryKernel.orEqual[0]
        let cmp = try ge.run(node: Node(name: "ge", op: "GreaterOrEqual", inputs: ["a", "b"], outputs: ["c"]),
                             inputs: [Tensor(shape: [3], floats: [1, 2, .nan]), Tensor(shape: [3], floats: [2, 2, 0])], context: ctx)[0]
        #expect(cmp.dtype == .bool)
        let flipped = try NotKernel().run(node: Node(name: "not", op: "Not", inputs: ["c"], outputs: ["d"]), inputs: [cmp], context: ctx)[0]
        let bytes = flipped.rawPointer.assumingMemoryBound(to: UInt8.self)
        #expect([bytes[0], bytes[1], bytes[2]] == [1, 0, 1])
    }
}
