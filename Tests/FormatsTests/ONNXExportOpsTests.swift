import Foundation
import Testing
import Formats
@testable import Graph
import TestSupport

/// The operators the families' own torch.onnx exports use (Mod, Greater, Less, Cos, Sin, Abs, IsNaN,
/// Tile, GatherElements, TopK, Range, Size, Resize, opset-20 Gelu, ScatterND, Conv auto_pad VALID,
/// If, ReduceSum, Ceil, Floor, BatchNormalization, InstanceNormalization, MaxPool, ReduceL2, GatherND), each output of `samples/onnx-ops/ops_exports.onnx` against ONNX Runtime's (written by
/// `samples/gen_onnx_ops_exports.py`), within 1e-5 of the output's scale.
@Suite("ONNX operators of the families' exports against ONNX Runtime")
struct ONNXExportOpsTests {
    static let outputs = ["mod_float", "mod_int_py", "mod_int_c", "greater_float", "less_int", "cos", "sin", "abs_float", "abs_int",
                          "isnan", "tile", "tile_batch", "gather_elements", "topk_values", "topk_indices", "topk_small_values",
                          "topk_small_indices", "topk_ties_values", "topk_ties_indices", "range_float", "range_int", "range_batch",
                          "size_add", "resize_cubic", "resize_cubic_exclude", "resize_linear_corners", "resize_nearest",
                          "resize_linear_sym", "gelu", "gelu_tanh", "scatter_nd", "conv_valid", "if_then", "if_else",
                          "reduce_sum", "reduce_sum_int", "reduce_sum_all", "reduce_sum_noop",
                          "ceil", "floor", "batch_norm", "batch_norm_train", "bn_running_mean", "bn_running_var", "instance_norm", "max_pool", "max_pool_ceil", "max_pool_same",
                          "max_pool_dilated", "max_pool_1d", "reduce_l2", "gather_nd", "gather_nd_batch", "clip_max_only"]

    /// The graph, imported and run once on `x.npy` for all the cases.
    static let run: Result<(ModelGraph, [String: Tensor]), any Error> = Result {
        let imported = try ONNXImporter.load(Fixtures.sample("onnx-ops/ops_exports.onnx"))
        let x = try Fixtures.npy("onnx-ops/x.npy")
        return (imported.graph, try Executor(graph: imported.graph, registry: .onnx, threads: 2).run(["pixel_values": x]))
    }

    @Test("the output matches ONNX Runtime", arguments: outputs)
    func output(_ name: String) throws {
        let (graph, out) = try Self.run.get()
        #expect(graph.outputs.sorted() == Self.outputs.sorted())
        let want = try Fixtures.npy("onnx-ops/ops_exports_\(name).npy")
        let got = try #require(out[name], "no output \(name)")
        #expect(got.shape == want.shape, "\(name): shape \(got.shape) vs ONNX Runtime's \(want.shape)")
        #expect(Tolerance.close(got, want, relative: 1e-5), "\(name): max abs diff \(Tolerance.maxAbsDiff(got, want))")
    }

    @Test("If folds to the chosen branch: no If and no untaken-branch node is left")
    func ifFolds() throws {
        let (graph, _) = try Self.run.get()
        #expect(!graph.nodes.contains { $0.op == "If" })
        // The untaken branches hold the graph's only Abs on floats (else of the first If) and Neg (then of the second).
        let branchNodes = graph.nodes.filter { $0.name.contains("/then/") || $0.name.contains("/else/") }
        #expect(!branchNodes.isEmpty)
        #expect(!branchNodes.contains { $0.op == "Neg" || $0.op == "Abs" }, "\(branchNodes.map { "\($0.name) \($0.op)" })")
        #expect(!graph.nodes.contains { IfBranch($0) != nil })
    }

    @Test("an If whose condition depends on the image is refused, naming the node")
    func ifOnTheImage() {
        #expect {
            _ = try ONNXImporter.load(Fixtures.sample("onnx-ops/ops_exports_if_dynamic.onnx"))
        } throws: { e in
            "\(e)".contains("(If)") && "\(e)".contains("depends on the input image")
        }
    }

    static func node(_ op: String, _ attributes: [String: Attribute] = [:], inputs: Int = 2) -> Node {
        Node(name: "n", op: op, inputs: (0..<inputs).map { "i\($0)" }, outputs: ["o", "o2"].prefix(op == "TopK" ? 2 : 1).map { $0 },
             attributes: attributes)
    }

    @Test("hostile operands are errors naming the node, not traps")
    func hostile() throws {
        let ctx = ExecutionContext(threads: 1)
        let ints = Tensor.integers([7, Int.min, -3], shape: [3])
        #expect(throws: GraphError.self) { try ModKernel().run(node: Self.node("Mod"), inputs: [ints, Tensor.integers([2, 0, 1], shape: [3])], context: ctx) }
        // Int.min % -1 and Int.min / -1 overflow in Swift; both are defined here.
        let m = try ModKernel().run(node: Self.node("Mod"), inputs: [ints, Tensor.integers([-1], shape: [1])], context: ctx)[0]
        #expect(m.intArray() == [0, 0, 0])
        let x = Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        #expect(throws: GraphError.self) { try TopKKernel().run(node: Self.node("TopK", ["k": .ints([4])], inputs: 1), inputs: [x], context: ctx) }
        #expect(throws: GraphError.self) {
            try GatherElementsKernel().run(node: Self.node("GatherElements", ["axis": .int(1)]), inputs: [x, Tensor.integers([0, 3], shape: [1, 2])], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try RangeKernel().run(node: Self.node("Range", ["start": .int(0), "limit": .int(5), "delta": .int(0), "dtype": .string("I64")], inputs: 0),
                                  inputs: [], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try RangeKernel().inferShapes(node: Self.node("Range", ["start": .int(Int.min), "limit": .int(Int.max), "delta": .int(1), "dtype": .string("I64")], inputs: 0),
                                          inputs: [])
        }
        #expect(throws: (any Error).self) {
            try TileKernel().run(node: Self.node("Tile", ["repeats": .ints([Int.max, 3])], inputs: 1), inputs: [x], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try ScatterNDKernel().run(node: Self.node("ScatterND", inputs: 3), inputs: [x, Tensor.integers([2], shape: [1, 1]), Tensor(shape: [1, 3], floats: [0, 0, 0])], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try ResizeKernel().run(node: Self.node("Resize", ["sizes": .ints([2, 3]), "antialias": .int(1)], inputs: 1), inputs: [x], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try ResizeKernel().run(node: Self.node("Resize", ["scales": .floats([1, .infinity])], inputs: 1), inputs: [x], context: ctx)
        }
        // Pooling and normalisation: impossible windows, strides, pads and mismatched parameters.
        let image = Tensor(shape: [1, 1, 2, 3], floats: [1, 2, 3, 4, 5, 6])
        let info = [ValueInfo(name: "x", shape: image.shape.map { .fixed($0) })]
        for attrs: [String: Attribute] in [["kernel_shape": .ints([0, 1])], ["kernel_shape": .ints([2, 2]), "strides": .ints([0, 1])],
                                           ["kernel_shape": .ints([4, 1])], ["kernel_shape": .ints([1, 1]), "pads": .ints([-1, 0, 0, 0])],
                                           ["kernel_shape": .ints([Int.max, 1])], ["kernel_shape": .ints([1])],
                                           ["kernel_shape": .ints([1, 1]), "auto_pad": .string("SAME")]] {
            #expect(throws: GraphError.self, "\(attrs)") { try MaxPoolKernel().inferShapes(node: Self.node("MaxPool", attrs, inputs: 1), inputs: info) }
        }
        #expect(throws: GraphError.self) {
            try GatherNDKernel().run(node: Self.node("GatherND"), inputs: [x, Tensor.integers([1, 3], shape: [1, 2])], context: ctx)
        }
        #expect(throws: GraphError.self) {
            try GatherNDKernel().run(node: Self.node("GatherND", ["batch_dims": .int(2)]), inputs: [x, Tensor.integers([0], shape: [1, 1])], context: ctx)
        }
        // A window far larger than the input with huge pads: bounded work, refused before it runs.
        let big = Tensor(shape: [1, 1, 1024, 1024], floats: [Float](repeating: 0, count: 1 << 20))
        #expect(throws: GraphError.self) {
            try MaxPoolKernel().run(node: Self.node("MaxPool", ["kernel_shape": .ints([1024, 1024]), "pads": .ints([1024, 1024, 1024, 1024])], inputs: 1),
                                    inputs: [big], context: ctx)
        }
        // An integer ReduceSum over an empty axis is zeros of the reduced shape.
        let empty = try ReduceSumKernel().run(node: Self.node("ReduceSum", ["axes": .ints([1]), "keepdims": .int(0)], inputs: 1),
                                              inputs: [Tensor(zeros: .i64, shape: [3, 0])], context: ctx)[0]
        #expect(empty.shape == [3] && empty.intArray() == [0, 0, 0])
        let three = Tensor(shape: [3], floats: [1, 1, 1])
        #expect(throws: GraphError.self) {
            try BatchNormalizationKernel().inferShapes(node: Self.node("BatchNormalization", inputs: 5),
                                                       inputs: info + Array(repeating: ValueInfo(name: "p", shape: [.fixed(3)]), count: 4))
        }
        #expect(throws: GraphError.self) {
            try InstanceNormalizationKernel().run(node: Self.node("InstanceNormalization", inputs: 3), inputs: [image, three, three], context: ctx)
        }
    }
}
