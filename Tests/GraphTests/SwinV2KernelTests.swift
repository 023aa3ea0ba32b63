import Foundation
import Testing
@testable import Graph

/// Swin v2's kernels on hand-checkable cases, and their refusals of inputs that do not fit.
@Suite struct SwinV2KernelTests {
    static func cpbNode(_ attrs: [String: Int]) -> Node {
        Node(name: "cpb", op: OpKind.continuousPositionBias, inputs: ["w1", "b1", "w2"], outputs: ["t"], attributes: attrs.mapValues { .int($0) })
    }

    static let window2 = ["window_h": 2, "window_w": 2, "pretrained_h": 0, "pretrained_w": 0]

    /// Window 2: the offsets −1, 0, 1 become −1, 0, 1 after `sign·log2(8|d| + 1)/3` (log2 9 / 3 ≠ 1, so
    /// checked against the formula). With `w1 = [[1, 0]]`, `b1 = [0]`, `w2 = [[1]]` each row is
    /// `16·sigmoid(relu(c_y))`.
    @Test func positionBiasIsTheMLPOnTheLogSpacedCoordinates() throws {
        let coords = SwinContinuousPositionBias.coordinates(window: [2, 2], pretrained: [0, 0])
        let edge = log2(Float(9)) / 3
        #expect(coords.count == 18 && abs(coords[0] + edge) < 1e-6 && coords[8] == 0 && abs(coords[17] - edge) < 1e-6)
        // a pretrained window of 3 halves the normalised offsets: 8·1/2 = 4
        let p = SwinContinuousPositionBias.coordinates(window: [2, 2], pretrained: [3, 3])
        #expect(abs(p[17] - log2(Float(5)) / 3) < 1e-6)
        let w1 = Tensor(shape: [1, 2], floats: [1, 0]), b1 = Tensor(shape: [1], floats: [0]), w2 = Tensor(shape: [1, 1], floats: [1])
        let t = try ContinuousPositionBiasKernel().run(node: Self.cpbNode(Self.window2), inputs: [w1, b1, w2], context: ExecutionContext(threads: 1))[0]
        #expect(t.shape == [9, 1])
        for r in 0..<9 {
            let want = 16 / (1 + exp(-max(0, coords[2 * r])))
            #expect(abs(t.floatArray()[r] - want) < 1e-5, "row \(r)")
        }
    }

    @Test(arguments: [["window_h": 0], ["window_w": 65], ["pretrained_h": -1], ["pretrained_w": 65]])
    func positionBiasRefusesBadAttributes(_ change: [String: Int]) throws {
        let n = Self.cpbNode(Self.window2.merging(change) { $1 })
        let inputs = [ValueInfo(name: "w1", shape: [.fixed(4), .fixed(2)]), ValueInfo(name: "b1", shape: [.fixed(4)]),
                      ValueInfo(name: "w2", shape: [.fixed(2), .fixed(4)])]
        #expect(throws: GraphError.self) { try ContinuousPositionBiasKernel().inferShapes(node: n, inputs: inputs) }
    }

    @Test func positionBiasRefusesMismatchedWeights() throws {
        let inputs = [ValueInfo(name: "w1", shape: [.fixed(4), .fixed(3)]), ValueInfo(name: "b1", shape: [.fixed(4)]),
                      ValueInfo(name: "w2", shape: [.fixed(2), .fixed(4)])]
        #expect(throws: GraphError.self) { try ContinuousPositionBiasKernel().inferShapes(node: Self.cpbNode(Self.window2), inputs: inputs) }
    }

    /// Cosine attention: scaling q or k changes nothing; a logit scale above ln 100 acts as ln 100.
    @Test func cosineAttentionIgnoresLengthsAndClampsTheScale() throws {
        let attrs = ["num_heads": 1, "grid_h": 2, "grid_w": 2, "window_h": 2, "window_w": 2, "shift_h": 0, "shift_w": 0]
        let n = Node(name: "wa", op: OpKind.windowAttention, inputs: ["qkv", "table", "ls"], outputs: ["y"], attributes: attrs.mapValues { .int($0) })
        var values: [Float] = []
        for t in 0..<4 { values += [Float(t) - 1.5, t % 2 == 0 ? 1 : -1, Float(t) + 1] }  // q, k, v (width 1)
        let table = Tensor(zeros: .f32, shape: [9, 1])
        func run(_ v: [Float], _ ls: Float) throws -> [Float] {
            try WindowAttentionKernel().run(node: n, inputs: [Tensor(shape: [1, 4, 3], floats: v), table, Tensor(shape: [1, 1, 1], floats: [ls])],
                                            context: ExecutionContext(threads: 1))[0].floatArray()
        }
        let base = try run(values, 1)
        var scaled = values
        for t in 0..<4 { scaled[t * 3] *= 7; scaled[t * 3 + 1] *= 0.25 }
        #expect(zip(base, try run(scaled, 1)).allSatisfy { abs($0 - $1) < 1e-5 })
        // the clamp: width-2 keys at angles 0, 0.01, 0.02, 0.03 from the query, so scores differ by ~scale·5e-5…4.5e-4
        let n2 = Node(name: "wa", op: OpKind.windowAttention, inputs: ["qkv", "table", "ls"], outputs: ["y"], attributes: attrs.mapValues { .int($0) })
        var v2: [Float] = []
        for t in 0..<4 { v2 += [1, 0, cos(Float(t) / 10), sin(Float(t) / 10), Float(t), 0] }
        func run2(_ ls: Float) throws -> [Float] {
            try WindowAttentionKernel().run(node: n2, inputs: [Tensor(shape: [1, 4, 6], floats: v2), table, Tensor(shape: [1, 1, 1], floats: [ls])],
                                            context: ExecutionContext(threads: 1))[0].floatArray()
        }
        let clamped = try run2(SwinContinuousPositionBias.maxLogitScale)
        #expect(try run2(6) == clamped && (try run2(4.5)) != clamped)
        // width-1 heads: unit q and k are ±1, so a score is ±e^logit_scale; tokens 0 and 1 (q < 0) favour
        // the keys of tokens 1 and 3 (k = −1, v = 2 and 4), tokens 2 and 3 those of tokens 0 and 2 (v = 1 and 3)
        func expected(_ s: Float, favoured: Float, other: Float) -> Float {
            (favoured * exp(s) + other * exp(-s)) / (2 * exp(s) + 2 * exp(-s))
        }
        let e = Float(M_E)
        #expect(abs(base[0] - expected(e, favoured: 6, other: 4)) < 1e-5 && abs(base[3] - expected(e, favoured: 4, other: 6)) < 1e-5)
        let wrong = Node(name: "wa", op: OpKind.windowAttention, inputs: ["qkv", "table", "ls"], outputs: ["y"], attributes: attrs.mapValues { .int($0) })
        let infos = [ValueInfo(name: "qkv", shape: [.batch, .fixed(4), .fixed(6)]), ValueInfo(name: "table", shape: [.fixed(9), .fixed(2)]),
                     ValueInfo(name: "ls", shape: [.fixed(3), .fixed(1), .fixed(1)])]
        #expect(throws: GraphError.self) { try WindowAttentionKernel().inferShapes(node: wrong, inputs: infos) }
    }
}
