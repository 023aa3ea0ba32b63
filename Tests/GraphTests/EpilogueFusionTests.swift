import Testing
@testable import Graph

/// `LinearEpilogueFusion` on an `Add` of two GEMMs (DeiT's `head(cls) + head_dist(dist)` before the
/// division by 2): the Add is folded into one GEMM only. Folding it into both made two nodes produce
/// the sum ("value … is produced more than once": DeiT-distilled's int8 ONNX did not load).
@Suite struct EpilogueFusionTests {
    static func twoHeads() -> ModelGraph {
        var rng = SeededGenerator(seed: 21)
        func weight(_ n: Int, _ k: Int) -> Tensor { Tensor(shape: [n, k], floats: (0..<(n * k)).map { _ in rng.normal() }) }
        let nodes = [
            Node(name: "head", op: "Linear", inputs: ["x", "hw", "hb"], outputs: ["h"]),
            Node(name: "head_dist", op: "Linear", inputs: ["x", "dw", "db"], outputs: ["d"]),
            Node(name: "sum", op: "Add", inputs: ["h", "d"], outputs: ["y"]),
        ]
        return ModelGraph(name: "heads", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(24)])], outputs: ["y"], nodes: nodes,
                          initializers: ["hw": weight(7, 24), "hb": weight(1, 7).reshaped([7]), "dw": weight(7, 24), "db": weight(1, 7).reshaped([7])])
    }

    @Test func addOfTwoGEMMsIsFoldedOnce() throws {
        let g = Self.twoHeads()
        let fused = LinearEpilogueFusion.apply(PackLinearWeightsPass.apply(g, path: FloatGEMM.bestPath), registry: .standard)
        #expect(fused.nodes.filter { $0.outputs == ["y"] }.count == 1)
        #expect(fused.nodes.compactMap { $0.string("epilogue") } == ["residual"])
        var rng = SeededGenerator(seed: 22)
        let x = Tensor(shape: [3, 24], floats: (0..<72).map { _ in rng.normal() })
        let a = try #require(try Executor(graph: g, threads: 1).run(["x": x])["y"])
        let b = try #require(try Executor(graph: g, threads: 1, fuseEpilogues: false).run(["x": x])["y"])
        #expect(a.floatArray() == b.floatArray())
    }
}
