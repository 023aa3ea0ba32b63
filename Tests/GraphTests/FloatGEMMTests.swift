import Foundation
import Testing
@testable import Graph
import TestSupport

/// vitopt's packed fp32 GEMM: every path the CPU has against the scalar reference (bit for bit) and
/// against a float64 reference (within fp32 rounding), on ragged shapes.
@Suite struct FloatGEMMTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [(1, 1, 1), (3, 7, 5), (14, 16, 32), (15, 33, 65), (29, 64, 31), (197, 48, 100)]

    func random(_ count: Int, _ rng: inout SeededGenerator) -> [Float] { (0..<count).map { _ in rng.normal() } }

    func run(_ path: FloatGEMM.Path, m: Int, k: Int, n: Int, a: [Float], w: [Float], bias: [Float]?, threads: Int = 1) -> [Float] {
        let packed = FloatGEMM.pack(Tensor(shape: [n, k], floats: w))
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                if let bias {
                    bias.withUnsafeBufferPointer { bp in
                        FloatGEMM.multiply(ap.baseAddress!, m: m, k: k, packed: packed, n: n, bias: bp.baseAddress!, into: cp.baseAddress!,
                                           path: path, context: ExecutionContext(threads: threads))
                    }
                } else {
                    FloatGEMM.multiply(ap.baseAddress!, m: m, k: k, packed: packed, n: n, bias: nil, into: cp.baseAddress!,
                                       path: path, context: ExecutionContext(threads: threads))
                }
            }
        }
        return c
    }

    @Test func everyPathMatchesScalarBitForBit() {
        var rng = SeededGenerator(seed: 21)
        for s in Self.shapes {
            let a = random(s.m * s.k, &rng), w = random(s.n * s.k, &rng), bias = random(s.n, &rng)
            let reference = run(.scalar, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias)
            for path in FloatGEMM.availablePaths {
                #expect(run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias) == reference, "\(path.name) \(s)")
                #expect(run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias, threads: 2) == reference, "\(path.name) 2 threads \(s)")
                #expect(run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: nil) == run(.scalar, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: nil))
            }
        }
    }

    @Test func scalarMatchesFloat64() {
        var rng = SeededGenerator(seed: 22)
        let (m, k, n) = (17, 300, 45)
        let a = random(m * k, &rng), w = random(n * k, &rng), bias = random(n, &rng)
        let c = run(.scalar, m: m, k: k, n: n, a: a, w: w, bias: bias)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var s = Double(bias[j])
                for kk in 0..<k { s += Double(a[i * k + kk]) * Double(w[j * k + kk]) }
                worst = max(worst, abs(Double(c[i * n + j]) - s))
            }
        }
        #expect(worst < 1e-4, "max error \(worst)")
    }

    @Test func packedLinearGraphMatchesOpenBLAS() throws {
        var rng = SeededGenerator(seed: 23)
        let x = Tensor(shape: [2, 9, 40], floats: random(720, &rng))
        let w = Tensor(shape: [70, 40], floats: random(2800, &rng)), b = Tensor(shape: [70], floats: random(70, &rng))
        let g = ModelGraph(name: "l", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(9), .fixed(40)])], outputs: ["y"],
                           nodes: [Node(name: "fc", op: "Linear", inputs: ["x", "w", "b"], outputs: ["y"])], initializers: ["w": w, "b": b])
        let packed = PackLinearWeightsPass.apply(g, path: FloatGEMM.bestPath)
        #expect(packed.nodes[0].op == "LinearPacked" && packed.initializers["w"] == nil)
        let viaPacked = try Executor(graph: g, threads: 2).run(["x": x])["y"]!
        let viaBLAS = try Executor(graph: g, registry: OpRegistry([LinearKernel()]), threads: 2).run(["x": x])["y"]!
        #expect(Tolerance.maxAbsDiff(viaPacked, viaBLAS) < 1e-4)
    }

    /// `VITOPT_SGEMM` against what the CPU has: a SIMD path by default, OpenBLAS when there is none.
    @Test func pathSelection() {
        #expect(FloatGEMM.selectPath(requested: nil, best: .avx512) == .avx512)
        #expect(FloatGEMM.selectPath(requested: nil, best: .avx2) == .avx2)
        #expect(FloatGEMM.selectPath(requested: nil, best: .scalar) == nil)
        #expect(FloatGEMM.selectPath(requested: "SCALAR", best: .scalar) == .scalar)
        #expect(FloatGEMM.selectPath(requested: "scalar", best: .avx512) == .scalar)
        #expect(FloatGEMM.selectPath(requested: "avx2", best: .avx512) == .avx2)
        #expect(FloatGEMM.selectPath(requested: "avx512", best: .avx2) == .avx2)
        #expect(FloatGEMM.selectPath(requested: "openblas", best: .avx512) == nil)
        #expect(FloatGEMM.selectPath(requested: "neon", best: .scalar) == nil)
    }
}
