import Testing
@testable import Graph

/// The Swin kernels refuse attributes that do not fit their inputs (they can arrive from any graph)
/// with a `GraphError` naming the node, and compute what they say on a hand-checkable case.
@Suite struct WindowAttentionKernelTests {
    func node(_ attrs: [String: Int]) -> Node {
        Node(name: "wa", op: OpKind.windowAttention, inputs: ["qkv", "table"], outputs: ["y"], attributes: attrs.mapValues { .int($0) })
    }

    static let good = ["num_heads": 1, "grid_h": 4, "grid_w": 4, "window_h": 2, "window_w": 2, "shift_h": 1, "shift_w": 1]

    @Test(arguments: [
        ["grid_h": 3], ["window_h": 0], ["window_h": 65], ["shift_h": 2], ["shift_w": -1], ["num_heads": 0], ["num_heads": 5],
        ["grid_h": Int.max, "grid_w": Int.max],
    ])
    func refusesInconsistentAttributes(_ change: [String: Int]) throws {
        let attrs = Self.good.merging(change) { $1 }
        let qkv = ValueInfo(name: "qkv", shape: [.batch, .fixed(16), .fixed(12)])
        let table = ValueInfo(name: "table", shape: [.fixed(9), .fixed(attrs["num_heads"]!)])
        #expect(throws: GraphError.self) { try WindowAttentionKernel().inferShapes(node: node(attrs), inputs: [qkv, table]) }
    }

    /// With zero queries and keys every weight is equal inside a region: each token's output is the
    /// mean of the values of the tokens of its window and region (the −100 mask leaves ~e⁻¹⁰⁰).
    @Test func shiftedWindowsAverageWithinRegions() throws {
        var values = [Float](repeating: 0, count: 16 * 3)
        for t in 0..<16 { values[t * 3 + 2] = Float(t) }
        let qkv = Tensor(shape: [1, 16, 3], floats: values)
        let table = Tensor(zeros: .f32, shape: [9, 1])
        let y = try WindowAttentionKernel().run(node: node(Self.good), inputs: [qkv, table], context: ExecutionContext(threads: 1))[0]
        // shifted window 0 holds tokens 5, 6, 9, 10 (one region): their mean
        #expect(abs(y.floatArray()[5] - 7.5) < 1e-5)
        // the last shifted window wraps: tokens 15, 12, 3, 0 fall in four regions, each alone
        let order = SwinWindows.order(grid: [4, 4], window: [2, 2], shift: [1, 1])
        #expect(Array(order.tokens[12..<16]) == [15, 12, 3, 0] && Set(order.regions[12..<16]).count == 4)
        #expect(Array(order.tokens[0..<4]) == [5, 6, 9, 10] && Set(order.regions[0..<4]) == [0])
        #expect(abs(y.floatArray()[15] - 15) < 1e-4 && abs(y.floatArray()[0]) < 1e-4)
    }

    @Test func patchMergingGathersTwoByTwo() throws {
        let x = Tensor(shape: [1, 4, 1], floats: [0, 1, 2, 3])  // grid 2×2: (0,0)=0 (0,1)=1 (1,0)=2 (1,1)=3
        let n = Node(name: "pm", op: OpKind.patchMerging, inputs: ["x"], outputs: ["y"], attributes: ["grid_h": .int(2), "grid_w": .int(2)])
        let y = try PatchMergingKernel().run(node: n, inputs: [x], context: ExecutionContext(threads: 1))[0]
        #expect(y.shape == [1, 1, 4] && y.floatArray() == [0, 2, 1, 3])
        let bad = Node(name: "pm", op: OpKind.patchMerging, inputs: ["x"], outputs: ["y"], attributes: ["grid_h": .int(1), "grid_w": .int(4)])
        #expect(throws: GraphError.self) { try PatchMergingKernel().inferShapes(node: bad, inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(4), .fixed(1)])]) }
    }
}
