import Foundation
import Testing
@testable import Graph
import TestSupport

/// The C vector-math kernels (exp, GELU, softmax) on every path the CPU has against the Swift scalar
/// definitions, bit for bit, and the GEMM epilogues against the unfused ops.
@Suite struct SIMDMathTests {
    /// Ordinary values, the clamps' edges, signed zeros, infinities and NaN, at lengths that leave
    /// every kind of vector tail.
    static func inputs(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var xs = (0..<n).map { _ in rng.normal() * 6 }
        let special: [Float] = [0, -0.0, .infinity, -.infinity, .nan, -87.3, -87.31, 88.7, 88.71, 3.925 * 1.414_213_5, -5.55,
                                1e-30, -1e-30, 100, -100, 1e20, -1e20]
        for (i, v) in special.enumerated() where i < n { xs[i] = v }
        return xs
    }

    static let lengths = [1, 7, 8, 9, 15, 16, 17, 31, 197, 1000]

    func same(_ a: [Float], _ b: [Float]) -> Bool {
        zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) } && a.count == b.count
    }

    @Test func geluAndExpMatchTheSwiftDefinitionOnEveryPath() {
        for n in Self.lengths {
            let xs = Self.inputs(n, seed: UInt64(n))
            var want = [Float](repeating: 0, count: n), wantExp = want
            VectorMath.geluReference(xs, &want, count: n)
            for i in 0..<n { wantExp[i] = VectorMath.exp(xs[i]) }
            for path in FloatGEMM.availablePaths {
                var got = [Float](repeating: 1, count: n), gotExp = got
                VectorMath.gelu(xs, &got, count: n, path: path)
                VectorMath.exp(xs, &gotExp, count: n, path: path)
                #expect(same(got, want), "gelu \(path.name) n=\(n)")
                #expect(same(gotExp, wantExp), "exp \(path.name) n=\(n)")
            }
        }
    }

    /// 19 rows cross the AVX-512 path's blocks of 16 rows per pass.
    @Test(arguments: [3, 19])
    func softmaxMatchesTheSwiftDefinitionOnEveryPath(rows: Int) {
        for width in Self.lengths {
            var rng = SeededGenerator(seed: UInt64(100 + width))
            var x = (0..<(rows * width)).map { _ in rng.normal() * 4 }
            x[0] = -.infinity
            var want = x
            want.withUnsafeMutableBufferPointer { Softmax.rowsReference($0.baseAddress!, rows: rows, width: width) }
            var wantScaled = x.map { $0 * 0.125 }
            wantScaled.withUnsafeMutableBufferPointer { Softmax.rowsReference($0.baseAddress!, rows: rows, width: width) }
            for path in FloatGEMM.availablePaths {
                var got = x, scaled = x
                got.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: rows, width: width, path: path) }
                scaled.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: rows, width: width, scale: 0.125, path: path) }
                #expect(same(got, want), "softmax \(path.name) width=\(width)")
                #expect(same(scaled, wantScaled), "scaled softmax \(path.name) width=\(width)")
            }
        }
    }

    /// Rows of stride `ld > width` (as the training engine and the fused attention head use them) against
    /// float64 math, on every path: within 1e-6 absolute, the padding untouched, a score 200 below the
    /// row max exactly 0.
    @Test(arguments: [1, 7, 16, 17, 65, 200])
    func stridedSoftmaxMatchesFloat64(width: Int) {
        var rng = SeededGenerator(seed: UInt64(300 + width))
        let rows = 19, ld = width + 4
        var x = (0..<(rows * ld)).map { _ in rng.normal() * 6 }
        x[0] = -200
        for path in FloatGEMM.availablePaths {
            var y = x
            y.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: rows, width: width, ld: ld, path: path) }
            for r in 0..<rows {
                let row = (0..<width).map { Double(x[r * ld + $0]) }, mx = row.max()!
                let e = row.map { Foundation.exp($0 - mx) }, z = e.reduce(0, +)
                for j in 0..<width { #expect(abs(Double(y[r * ld + j]) - e[j] / z) <= 1e-6, "\(path.name) row \(r) [\(j)]") }
                for j in width..<ld { #expect(y[r * ld + j] == x[r * ld + j], "\(path.name): padding changed") }
            }
            if width > 1 { #expect(y[0] == 0, "\(path.name): exp(-200 - max) is 0") }
        }
    }

    /// `multiply` then the unfused op, against the fused epilogue; K = 1000 spans two 768-wide blocks.
    @Test func epiloguesEqualTheUnfusedOps() {
        var rng = SeededGenerator(seed: 31)
        for (m, k, n) in [(29, 600, 70), (197, 300, 64), (3, 5, 33), (17, 1000, 40)] {
            let a = (0..<(m * k)).map { _ in rng.normal() }, w = (0..<(n * k)).map { _ in rng.normal() * 0.05 }
            let bias = (0..<n).map { _ in rng.normal() }, res = (0..<(m * n)).map { _ in rng.normal() }
            let packed = FloatGEMM.pack(Tensor(shape: [n, k], floats: w))
            for path in FloatGEMM.availablePaths {
                for threads in [1, 2] {
                    let ctx = ExecutionContext(threads: threads)
                    func gemm(_ e: FloatGEMM.Epilogue) -> [Float] {
                        var c = [Float](repeating: .nan, count: m * n)
                        FloatGEMM.multiply(a, m: m, k: k, packed: packed, n: n, bias: bias, into: &c, path: path, epilogue: e, context: ctx)
                        return c
                    }
                    let plain = gemm(.none)
                    var gelu = plain
                    VectorMath.geluReference(plain, &gelu, count: plain.count)
                    #expect(same(gemm(.gelu), gelu), "gelu epilogue \(path.name) \(m)x\(k)x\(n) t\(threads)")
                    let added = zip(plain, res).map { $0 + $1 }
                    let fused = res.withUnsafeBufferPointer { gemm(.residual($0.baseAddress!)) }
                    #expect(same(fused, added), "residual epilogue \(path.name) \(m)x\(k)x\(n) t\(threads)")
                    if path != .scalar {
                        var scalar = [Float](repeating: .nan, count: m * n)
                        FloatGEMM.multiply(a, m: m, k: k, packed: packed, n: n, bias: bias, into: &scalar, path: .scalar, context: ctx)
                        #expect(same(plain, scalar), "blocked K \(path.name) \(m)x\(k)x\(n)")
                    }
                }
            }
        }
    }

    @Test func layerNormRowMatchesTheSwiftDefinitionOnEveryPath() {
        for n in Self.lengths {
            var rng = SeededGenerator(seed: UInt64(300 + n))
            let x = (0..<n).map { _ in rng.normal() * 2 + 0.5 }, g = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.normal() }
            var want = [Float](repeating: 0, count: n)
            LayerNormKernel.normalizeRowReference(x, width: n, gamma: g, beta: b, epsilon: 1e-6, into: &want)
            for path in FloatGEMM.availablePaths {
                var got = [Float](repeating: .nan, count: n)
                LayerNormKernel.normalizeRow(x, width: n, gamma: g, beta: b, epsilon: 1e-6, into: &got, path: path)
                #expect(same(got, want), "layernorm \(path.name) n=\(n)")
            }
        }
    }

    /// The fused AVX-512 attention head against the composed GEMM + softmax + GEMM, bit for bit.
    @Test func fusedAttentionHeadIsTheComposition() {
        var rng = SeededGenerator(seed: 41)
        for (t, dh, heads) in [(197, 64, 2), (17, 16, 3), (50, 40, 1), (5, 8, 2)] {
            let d = dh * heads, ld = 3 * d
            let qkv = (0..<(t * ld)).map { _ in rng.normal() }
            let scale = 1 / Float(dh).squareRoot()
            var fused = [Float](repeating: .nan, count: t * d), plain = fused
            for path in FloatGEMM.availablePaths {
                let scratch = TensorStorage(byteCount: 4 * AttentionKernel.scratchCount(tokens: t, headDim: dh, path: path))
                let s = scratch.base.assumingMemoryBound(to: Float.self)
                qkv.withUnsafeBufferPointer { p in
                    let q = p.baseAddress!
                    fused.withUnsafeMutableBufferPointer {
                        AttentionKernel.headsPacked(0..<heads, heads: heads, t: t, d: d, dh: dh, ld: ld, scale: scale, q: q, k: q + d,
                                                    v: q + 2 * d, y: $0.baseAddress!, path: path, scratch: s)
                    }
                    plain.withUnsafeMutableBufferPointer {
                        AttentionKernel.headsPacked(0..<heads, heads: heads, t: t, d: d, dh: dh, ld: ld, scale: scale, q: q, k: q + d,
                                                    v: q + 2 * d, y: $0.baseAddress!, path: path, scratch: s, fused: false)
                    }
                }
                #expect(same(fused, plain), "\(path.name) t=\(t) dh=\(dh)")
                #expect(!fused.contains { $0.isNaN })
            }
        }
    }

    /// A ViT's fc1→GELU and proj/fc2→residual Add fold into the GEMMs, with identical logits.
    @Test func executorFusionIsExact() throws {
        let config = ViTConfig(imageSize: [32, 32], patchSize: [8, 8], embedDim: 64, depth: 2, numHeads: 4, mlpHidden: 256,
                               numClasses: 10)
        let graph = try ViTGraphBuilder.build(ViTDescription.random(config: config, seed: 5))
        let fused = LinearEpilogueFusion.apply(PackLinearWeightsPass.apply(graph, path: FloatGEMM.bestPath), registry: .standard)
        let epilogues = fused.nodes.compactMap { $0.string("epilogue") }
        #expect(epilogues.filter { $0 == "gelu" }.count == 2 && epilogues.filter { $0 == "residual" }.count == 4, "\(epilogues)")
        #expect(!fused.nodes.contains { $0.op == "Gelu" })
        var rng = SeededGenerator(seed: 6)
        let x = Tensor(shape: [2, 3, 32, 32], floats: (0..<(2 * 3 * 32 * 32)).map { _ in rng.normal() })
        let input = graph.inputs[0].name, output = graph.outputs[0]
        let a = try Executor(graph: graph, threads: 2).run([input: x])[output]!
        let b = try Executor(graph: graph, threads: 2, fuseEpilogues: false).run([input: x])[output]!
        #expect(a.floatArray() == b.floatArray())
    }
}
