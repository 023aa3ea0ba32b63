import Testing
@testable import Graph

/// Sizes from files, options and shape arithmetic: overflow and out-of-memory are typed errors that
/// name what was being made, never a trap. Each of these trapped (integer overflow, division by zero
/// or `fatalError` in the allocator) before sizes were checked.
@Suite struct SizeLimitTests {
    /// One node `op` on graph input `x` (declared `shape`), with `inits` as initializers.
    func graph(_ op: String, x shape: [Dim], inputs: [String] = ["x"], inits: [String: Tensor] = [:],
               attributes: [String: Attribute] = [:]) -> ModelGraph {
        ModelGraph(name: op, inputs: [ValueInfo(name: "x", shape: shape)], outputs: ["y"],
                   nodes: [Node(name: "the_\(op.lowercased())", op: op, inputs: inputs, outputs: ["y"], attributes: attributes)],
                   initializers: inits)
    }

    @Test func shapeSizesAreOverflowChecked() {
        #expect(Tensor.elementCount([2, 3, 4]) == 24)
        #expect(Tensor.elementCount([]) == 1)
        #expect(Tensor.elementCount([1 << 40, 1 << 40]) == nil)
        #expect(Tensor.elementCount([3, -1]) == nil)
        #expect(Tensor.byteCount(dtype: .f32, shape: [1 << 61]) == nil)
        #expect(Tensor.byteCount(dtype: .f64, shape: [5, 7]) == 280)
    }

    @Test func anUnrepresentableShapeIsATypedError() {
        #expect(throws: TensorError.invalidSize(what: "test buffer", shape: [1 << 40, 1 << 40], elementBytes: 4)) {
            try Tensor(zeros: .f32, shape: [1 << 40, 1 << 40], for: "test buffer")
        }
        #expect(throws: TensorError.self) { try Tensor(uninitialized: .u8, shape: [-2, 8], for: "negative") }
    }

    @Test func anAllocationBeyondMemoryNamesWhatAndHowMuch() throws {
        // 1 << 44 floats are 70.4 TB: beyond the budget of any machine this runs on.
        let error = #expect(throws: TensorError.self) { try Tensor(zeros: .f32, shape: [1 << 44], for: "the test's buffer") }
        guard case .outOfMemory(let what, let bytes, _)? = error else {
            Issue.record("expected outOfMemory, got \(String(describing: error))")
            return
        }
        #expect(what == "the test's buffer" && bytes == 1 << 46)
        #expect(error!.description.hasPrefix("out of memory: the test's buffer need 70.36 TB"), "\(error!)")
    }

    @Test func aWindowOutsideItsStorageIsATypedError() throws {
        let storage = TensorStorage(byteCount: 64)
        #expect(throws: TensorError.outsideStorage(what: "view", shape: [4, 4], byteOffset: 8, storageBytes: 64)) {
            try Tensor(dtype: .f32, shape: [4, 4], storage: storage, byteOffset: 8, for: "view")
        }
        #expect(throws: TensorError.self) { try Tensor(dtype: .f32, shape: [1 << 62], storage: storage, byteOffset: 0, for: "huge") }
        let ok = try Tensor(dtype: .f32, shape: [2, 4], storage: storage, byteOffset: 32, for: "tail")
        #expect(ok.count == 8)
    }

    @Test func theBudgetIsTheSmallestHeadroom() {
        typealias R = MemoryBudget.Readings
        #expect(MemoryBudget.available(R()) == nil)
        #expect(MemoryBudget.available(R(addressSpaceLimit: 4_000, addressSpaceUsed: 1_000, memAvailable: 10_000)) == 3_000)
        #expect(MemoryBudget.available(R(cgroupLimit: 8_000, cgroupUsed: 7_500, memAvailable: 10_000)) == 500)
        #expect(MemoryBudget.available(R(addressSpaceLimit: 4_000, addressSpaceUsed: 9_000)) == 0)
        #expect(MemoryBudget.available(R(memAvailable: 123)) == 123)
    }

    @Test func byteCountsReadAsPeopleWriteThem() {
        #expect(ByteCountText.text(512) == "512 bytes")
        #expect(ByteCountText.text(1_500) == "1.50 KB")
        #expect(ByteCountText.text(2_050_000) == "2.05 MB")
        #expect(ByteCountText.text(187_512_345_678) == "187.51 GB")
        #expect(ByteCountText.text(Int.max) == "9223.37 PB")
    }

    @Test func reshapeArithmeticThatOverflowsIsAShapeError() {
        let g = graph("Reshape", x: [.fixed(2), .fixed(3)], attributes: ["shape": .ints([1 << 40, 1 << 40, -1])])
        #expect(throws: GraphError.self) { try Executor(graph: g, registry: .onnx, threads: 1) }
        #expect(DimAlgebra.product([.fixed(1 << 40), .fixed(1 << 40)]) == nil)
        #expect(DimAlgebra.product([.fixed(4), .symbol("N"), .fixed(3)]) == .symbol("12·N"))
    }

    @Test func expandingToAnAbsurdShapeIsATypedError() throws {
        let x = Tensor(shape: [1], floats: [2])
        for (shape, overflow) in [([1 << 31, 1 << 31], true), ([1 << 20, 1 << 20], false)] {
            let exec = try Executor(graph: graph("Expand", x: [.fixed(1)], attributes: ["shape": .ints(shape)]), registry: .onnx, threads: 1)
            let error = #expect(throws: TensorError.self) { try exec.run(["x": x]) }
            switch error {
            case .invalidSize(let what, _, _)? where overflow: #expect(what.contains("the_expand"))
            case .outOfMemory(let what, _, _)? where !overflow: #expect(what.contains("the_expand"))
            default: Issue.record("shape \(shape): unexpected \(String(describing: error))")
            }
        }
    }

    @Test func aGraphInputWhoseSizeOverflowsIsRefused() {
        let g = graph("Identity", x: [.symbol("N"), .fixed(1 << 40), .fixed(1 << 40)])
        #expect(throws: GraphError.badInput(name: "x", detail: "declared shape [N,1099511627776,1099511627776] has no representable size")) {
            try Executor(graph: g, registry: .onnx, threads: 1)
        }
    }

    @Test func benchmarkingAnInputBeyondMemoryIsATypedError() throws {
        let exec = try Executor(graph: graph("Identity", x: [.symbol("N"), .fixed(1 << 20), .fixed(1 << 20)]), registry: .onnx, threads: 1)
        #expect(throws: TensorError.self) { try LatencyBenchmark.measure(exec, batch: 2, runs: 1) }
    }

    @Test func aPatchGridThatOverflowsIsAShapeError() {
        let w = Tensor(zeros: .f32, shape: [8, 3, 1, 1])
        let g = graph("PatchEmbed", x: [.symbol("N"), .fixed(3), .fixed(1 << 40), .fixed(1 << 40)], inputs: ["x", "w"], inits: ["w": w])
        #expect(throws: GraphError.self) { try Executor(graph: g, threads: 1) }
    }

    @Test func convolutionWithZeroStridesIsAShapeError() {
        let w = Tensor(zeros: .f32, shape: [1, 1, 1, 1])
        let g = graph("Conv", x: [.fixed(1), .fixed(1), .fixed(4), .fixed(4)], inputs: ["x", "w"], inits: ["w": w],
                      attributes: ["strides": .ints([0, 0])])
        #expect(throws: GraphError.self) { try Executor(graph: g, registry: .onnx, threads: 1) }
    }

    /// Float kernels read their inputs as F32: an integer value reaching one was a precondition trap.
    @Test(arguments: ["Gelu", "Tanh", "LayerNorm", "Attention"])
    func floatKernelsRefuseIntegerInputs(_ op: String) {
        let g = ModelGraph(name: op, inputs: [ValueInfo(name: "x", dtype: .i64, shape: [.fixed(1), .fixed(2), .fixed(6)])], outputs: ["y"],
                           nodes: [Node(name: "the_op", op: op, inputs: op == "LayerNorm" ? ["x", "g", "b"] : ["x"], outputs: ["y"],
                                        attributes: ["num_heads": .int(1), "epsilon": .float(1e-6)])],
                           initializers: ["g": Tensor(zeros: .f32, shape: [6]), "b": Tensor(zeros: .f32, shape: [6])])
        #expect(throws: GraphError.shapeMismatch(node: "the_op", detail: "'x' must be a float tensor, is I64")) {
            try Executor(graph: g, threads: 1)
        }
    }

    @Test func attentionBeyondItsTokenLimitIsRefused() throws {
        let t = AttentionKernel.maxTokens + 1
        let g = graph("Attention", x: [.fixed(1), .fixed(t), .fixed(3)], attributes: ["num_heads": .int(1)])
        let exec = try Executor(graph: g, threads: 1)
        let error = #expect(throws: GraphError.self) { try exec.run(["x": Tensor(zeros: .f32, shape: [1, t, 3])]) }
        #expect(error?.description.contains("the_attention") == true)
    }
}
