import Foundation
import Testing
@testable import Graph

/// Each fp32 kernel against a straightforward float64 reference on random data.
@Suite struct KernelTests {
    var rng = SeededGenerator(seed: 11)

    mutating func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in rng.normal() * scale })
    }

    /// Runs one node with the given inputs (first is the graph input, rest initializers).
    func run(_ op: String, _ inputs: [Tensor], attributes: [String: Attribute] = [:], threads: Int = 1) throws -> Tensor {
        let names = inputs.indices.map { "in\($0)" }
        var inits: [String: Tensor] = [:]
        for i in 1..<max(1, inputs.count) { inits[names[i]] = inputs[i] }
        let g = ModelGraph(name: op, inputs: [ValueInfo(name: "in0", shape: inputs[0].shape.map { .fixed($0) })], outputs: ["out"],
                           nodes: [Node(name: op.lowercased(), op: op, inputs: names, outputs: ["out"], attributes: attributes)],
                           initializers: inits)
        return try Executor(graph: g, threads: threads).run(["in0": inputs[0]])["out"]!
    }

    func expectClose(_ got: Tensor, _ want: [Double], _ tol: Double) {
        let g = got.floatArray()
        #expect(g.count == want.count)
        let err = zip(g, want).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(err <= tol, "max error \(err) > \(tol)")
    }

    @Test mutating func linearMatchesReference() throws {
        let x = random([5, 7, 33]), w = random([19, 33]), b = random([19])
        let xs = x.floatArray(), ws = w.floatArray(), bs = b.floatArray()
        var want: [Double] = []
        for r in 0..<35 { for o in 0..<19 {
            var s = Double(bs[o])
            for k in 0..<33 { s += Double(xs[r * 33 + k]) * Double(ws[o * 33 + k]) }
            want.append(s)
        } }
        let y = try run("Linear", [x, w, b])
        #expect(y.shape == [5, 7, 19])
        expectClose(y, want, 1e-4)
        #expect(try run("Linear", [x, w, b], threads: 2).bitwiseEqual(y))
    }

    @Test mutating func layerNormMatchesReference() throws {
        let x = random([3, 4, 50], scale: 3), g = random([50]), b = random([50])
        let xs = x.floatArray(), gs = g.floatArray(), bs = b.floatArray()
        var want: [Double] = []
        for r in 0..<12 {
            let row = xs[(r * 50)..<((r + 1) * 50)].map(Double.init)
            let mean = row.reduce(0, +) / 50
            let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 50
            for (i, e) in row.enumerated() { want.append((e - mean) / (v + 1e-6).squareRoot() * Double(gs[i]) + Double(bs[i])) }
        }
        expectClose(try run("LayerNorm", [x, g, b], attributes: ["epsilon": .float(1e-6)]), want, 1e-5)
    }

    @Test mutating func geluIsTheErfForm() throws {
        let x = random([1000], scale: 4)
        let want = x.floatArray().map { v in 0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot())) }
        expectClose(try run("Gelu", [x]), want, 3e-6)  // |x| ≤ ~16 here: 1.5e-7·|x|
        let tanhWant = x.floatArray().map { v -> Double in
            let d = Double(v)
            return 0.5 * d * (1 + tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
        }
        expectClose(try run("Gelu", [x], attributes: ["approximate": .string("tanh")]), tanhWant, 1e-5)
    }

    @Test mutating func attentionMatchesReference() throws {
        let (n, t, d, heads) = (2, 9, 12, 3)
        let qkv = random([n, t, 3 * d])
        let v = qkv.floatArray().map(Double.init)
        let dh = d / heads
        var want = [Double](repeating: 0, count: n * t * d)
        for b in 0..<n { for h in 0..<heads { for i in 0..<t {
            var scores = (0..<t).map { j -> Double in
                var s = 0.0
                for e in 0..<dh { s += v[(b * t + i) * 3 * d + h * dh + e] * v[(b * t + j) * 3 * d + d + h * dh + e] }
                return s / Double(dh).squareRoot()
            }
            let m = scores.max()!
            scores = scores.map { exp($0 - m) }
            let z = scores.reduce(0, +)
            for e in 0..<dh {
                var o = 0.0
                for j in 0..<t { o += scores[j] / z * v[(b * t + j) * 3 * d + 2 * d + h * dh + e] }
                want[(b * t + i) * d + h * dh + e] = o
            }
        } } }
        let packed = try run("Attention", [qkv], attributes: ["num_heads": .int(heads)])
        expectClose(packed, want, 1e-5)
        expectClose(try run("Attention", [qkv], attributes: ["num_heads": .int(heads)], threads: 2), want, 1e-5)
        // The same numbers from separate q, k, v inputs.
        let flat = qkv.floatArray()
        func part(_ p: Int) -> Tensor {
            var values: [Float] = []
            for r in 0..<(n * t) {
                let start: Int = r * 3 * d + p * d
                values += flat[start..<(start + d)]
            }
            return Tensor(shape: [n, t, d], floats: values)
        }
        let g = ModelGraph(name: "a", inputs: [ValueInfo(name: "q", shape: [.fixed(n), .fixed(t), .fixed(d)])], outputs: ["o"],
                           nodes: [Node(name: "att", op: "Attention", inputs: ["q", "k", "v"], outputs: ["o"], attributes: ["num_heads": .int(heads)])],
                           initializers: ["k": part(1), "v": part(2)])
        expectClose(try Executor(graph: g, threads: 1).run(["q": part(0)])["o"]!, want, 1e-5)
    }

    @Test mutating func patchEmbedIsAStridedConvolution() throws {
        let (n, c, h, w, d, p) = (2, 3, 8, 12, 5, 4)
        let x = random([n, c, h, w]), k = random([d, c, p, p]), b = random([d])
        let xs = x.floatArray(), ks = k.floatArray(), bs = b.floatArray()
        var want: [Double] = []
        for bi in 0..<n { for gy in 0..<(h / p) { for gx in 0..<(w / p) { for o in 0..<d {
            var s = Double(bs[o])
            for ch in 0..<c { for ky in 0..<p { for kx in 0..<p {
                s += Double(xs[((bi * c + ch) * h + gy * p + ky) * w + gx * p + kx]) * Double(ks[((o * c + ch) * p + ky) * p + kx])
            } } }
            want.append(s)
        } } } }
        let y = try run("PatchEmbed", [x, k, b])
        #expect(y.shape == [n, (h / p) * (w / p), d])
        expectClose(y, want, 1e-4)
    }

    @Test func patchEmbedRejectsSizesThatAreNotPatchMultiples() {
        let x = Tensor(zeros: .f32, shape: [1, 3, 10, 8]), k = Tensor(zeros: .f32, shape: [4, 3, 4, 4])
        #expect(throws: GraphError.self) { _ = try run("PatchEmbed", [x, k]) }
    }

    @Test func broadcastingFollowsNumPy() throws {
        let a = Tensor(shape: [2, 1, 3], floats: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [2, 1], floats: [10, 20])
        let y = try run("Add", [a, b])
        #expect(y.shape == [2, 2, 3])
        #expect(y.floatArray() == [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26])
        let m = try run("Mul", [Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]), Tensor(shape: [3], floats: [2, 0, -1])])
        #expect(m.floatArray() == [2, 0, -3, 8, 0, -6])
        #expect(throws: GraphError.self) { _ = try run("Add", [Tensor(zeros: .f32, shape: [2, 3]), Tensor(zeros: .f32, shape: [2])]) }
    }

    @Test func tokenOpsAndAverage() throws {
        let x = Tensor(shape: [1, 3, 2], floats: [1, 2, 3, 4, 5, 6])
        #expect(try run("TakeToken", [x], attributes: ["index": .int(1)]).floatArray() == [3, 4])
        #expect(try run("MeanTokens", [x], attributes: ["start": .int(1)]).floatArray() == [4, 5])
        let tok = Tensor(shape: [1, 1, 2], floats: [9, 8])
        #expect(try run("PrefixTokens", [x, tok]).floatArray() == [9, 8, 1, 2, 3, 4, 5, 6])
        #expect(try run("Average", [Tensor(shape: [2], floats: [1, 2]), Tensor(shape: [2], floats: [3, 5])]).floatArray() == [2, 3.5])
    }
}

@Suite struct VectorMathTests {
    @Test func expIsWithinTwoUlp() {
        var xs: [Float] = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) }
        xs += [0, -0.0, 1e-8, -1e-8, 0.5, -0.5]
        var ys = [Float](repeating: 0, count: xs.count)
        VectorMath.exp(xs, &ys, count: xs.count)
        for (x, y) in zip(xs, ys) {
            let want = Foundation.exp(Double(x))
            #expect(abs(Double(y) - want) <= 2.5 * Double(Float(want).ulp), "exp(\(x)) = \(y), want \(want)")
        }
        var edge = [Float](repeating: 0, count: 3)
        VectorMath.exp([-100, 100, -Float.infinity], &edge, count: 3)
        #expect(edge == [0, .infinity, 0])
    }

    @Test func erfAbsoluteErrorBound() {
        let xs: [Float] = stride(from: -6.0, through: 6.0, by: 0.00071).map { Float($0) }
        var ys = [Float](repeating: 0, count: xs.count)
        VectorMath.gelu(xs, &ys, count: xs.count)
        var worst = 0.0
        for (x, y) in zip(xs, ys) {
            let want = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            worst = max(worst, abs(Double(y) - want) / max(1, abs(Double(x))))
        }
        #expect(worst <= 3e-7, "worst GELU error per unit |x|: \(worst)")
    }
}
