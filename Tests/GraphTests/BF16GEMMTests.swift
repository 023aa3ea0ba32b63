import Foundation
import Testing
@testable import Graph
import TestSupport

/// vitopt's bf16 GEMM: every path the CPU has against the scalar reference (bit for bit, also for
/// adversarial values and every epilogue), the reference against float64 within the bound bf16's
/// rounding allows, the rounding against PyTorch's, and the executor's bf16 mode.
@Suite struct BF16GEMMTests {
    /// The paths this CPU runs that must write the scalar reference's bits (AMX is held to a bound: BF16AMXTests).
    static let bitExactPaths = BF16GEMM.availablePaths.filter(\.isBitExact)

    static let shapes: [(m: Int, k: Int, n: Int)] = [(1, 1, 1), (3, 7, 5), (6, 16, 64), (7, 33, 65), (13, 64, 130), (29, 1100, 70), (197, 48, 100)]

    func random(_ count: Int, _ rng: inout SeededGenerator) -> [Float] { (0..<count).map { _ in rng.normal() } }

    func run(_ path: BF16GEMM.Path, m: Int, k: Int, n: Int, a: [Float], w: [Float], bias: [Float]?, epilogue: Int = 0,
             residual: [Float]? = nil, threads: Int = 1) throws -> [Float] {
        let packed = try BF16GEMM.pack(Tensor(shape: [n, k], floats: w), name: "w", path: path)
        var c = [Float](repeating: .nan, count: m * n)
        let r = residual ?? []
        try a.withUnsafeBufferPointer { ap in
            try r.withUnsafeBufferPointer { rp in
                try c.withUnsafeMutableBufferPointer { cp in
                    let e: FloatGEMM.Epilogue = epilogue == 1 ? .gelu : epilogue == 2 ? .residual(rp.baseAddress!) : .none
                    let b = bias.map { Tensor(shape: [$0.count], floats: $0) }
                    try BF16GEMM.multiply(ap.baseAddress!, m: m, k: k, packed: packed, n: n, bias: b?.floats, into: cp.baseAddress!,
                                          path: path, epilogue: e, context: ExecutionContext(threads: threads))
                }
            }
        }
        return c
    }

    /// Equal bits, or both NaN (paths may return different NaN payloads).
    func same(_ x: [Float], _ y: [Float]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test func everyPathMatchesScalarBitForBit() throws {
        var rng = SeededGenerator(seed: 31)
        for s in Self.shapes {
            let a = random(s.m * s.k, &rng), w = random(s.n * s.k, &rng), bias = random(s.n, &rng), res = random(s.m * s.n, &rng)
            for epilogue in 0...2 {
                let residual = epilogue == 2 ? res : nil
                let reference = try run(.scalar, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias, epilogue: epilogue, residual: residual)
                #expect(!reference.contains { $0.isNaN }, "\(s): output not written")
                for path in Self.bitExactPaths {
                    let one = try run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias, epilogue: epilogue, residual: residual)
                    let two = try run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: bias, epilogue: epilogue, residual: residual, threads: 2)
                    #expect(same(one, reference), "\(path) \(s) epilogue \(epilogue)")
                    #expect(same(two, reference), "\(path) 2 threads \(s) epilogue \(epilogue)")
                }
            }
            for path in Self.bitExactPaths {
                #expect(same(try run(path, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: nil),
                             try run(.scalar, m: s.m, k: s.k, n: s.n, a: a, w: w, bias: nil)), "\(path) \(s) without bias")
            }
        }
    }

    /// Values that stress the rounding and the flushes: ties, NaN payloads, infinities, fp32 and bf16
    /// denormals, the largest finite values (which round to infinity), and sums that cancel to tiny
    /// results (the FTZ of every fused multiply-add).
    static func adversarial(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        let specials: [Float] = [0, -0.0, 1, -1, .nan, -.nan, Float(bitPattern: 0x7FA0_0001), .infinity, -.infinity,
                                 .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float(bitPattern: 0x0040_0000), .leastNormalMagnitude,
                                 Float(bitPattern: 0x0080_8000), Float(bitPattern: 0x3F80_8000), Float(bitPattern: 0x3F81_8000),
                                 Float(bitPattern: 0x3F80_7FFF), .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-20, -3e-20, 1e19]
        return (0..<count).map { i in i % 3 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : rng.normal() }
    }

    @Test func adversarialValuesMatchScalar() throws {
        var rng = SeededGenerator(seed: 32)
        for (m, k, n) in [(7, 9, 70), (13, 40, 64)] {
            let a = Self.adversarial(m * k, &rng), w = Self.adversarial(n * k, &rng), bias = Self.adversarial(n, &rng)
            let reference = try run(.scalar, m: m, k: k, n: n, a: a, w: w, bias: bias)
            for path in Self.bitExactPaths {
                #expect(same(try run(path, m: m, k: k, n: n, a: a, w: w, bias: bias), reference), "\(path) \(m)x\(k)x\(n)")
            }
        }
        // Tiny magnitudes only: most sums are denormal before the flush.
        let (m, k, n) = (6, 24, 64)
        let a = random(m * k, &rng).map { $0 * 1e-19 }, w = random(n * k, &rng).map { $0 * 1e-19 }
        let reference = try run(.scalar, m: m, k: k, n: n, a: a, w: w, bias: nil)
        #expect(reference.contains { $0 == 0 } && !reference.contains { $0 != 0 && abs($0) < .leastNormalMagnitude })
        for path in Self.bitExactPaths {
            #expect(same(try run(path, m: m, k: k, n: n, a: a, w: w, bias: nil), reference), "\(path) tiny sums")
        }
    }

    @Test func conversionIsTheSameOnEveryPath() {
        var rng = SeededGenerator(seed: 33)
        for count in [1, 15, 16, 17, 31, 32, 33, 77] {
            let x = Self.adversarial(count, &rng)
            let scalar = BF16GEMM.roundRow(x, path: .scalar)
            #expect(scalar.count == BF16GEMM.paddedK(count) && (count % 2 == 0 || scalar.last == 0))
            #expect(Array(scalar.prefix(count)) == x.map(BF16GEMM.round))
            for path in BF16GEMM.availablePaths { #expect(BF16GEMM.roundRow(x, path: path) == scalar, "\(path) \(count)") }
        }
    }

    /// The rounding against PyTorch's `.to(torch.bfloat16)` (samples/bf16/round_*.npy, written by
    /// samples/gen_bf16.py): equal bits except where PyTorch keeps a bf16 denormal (vitopt
    /// flushes it to a zero of the same sign, as VCVTNEPS2BF16) or spells a NaN differently.
    @Test func roundingMatchesPyTorch() throws {
        let x = try Fixtures.npy("bf16/round_input.npy").floatArray()
        let bits = try Fixtures.npy("bf16/round_torch_bits.npy")
        let torch = bits.floatArray().map { UInt16(truncatingIfNeeded: Int32($0)) }
        #expect(x.count == torch.count && x.count > 1000)
        var compared = 0
        for (v, t) in zip(x, torch) {
            let mine = BF16GEMM.round(v)
            if v.isNaN { #expect(mine & 0x7F80 == 0x7F80 && mine & 0x7F != 0); continue }
            if t & 0x7F80 == 0 && t & 0x7F != 0 { #expect(mine == t & 0x8000); continue }
            #expect(mine == t, "\(v) (0x\(String(v.bitPattern, radix: 16))): torch 0x\(String(t, radix: 16)), vitopt 0x\(String(mine, radix: 16))")
            compared += 1
        }
        #expect(compared > 1000)
    }

    /// Against float64 on the exact inputs: each product is off by at most (2u + u²)·|a·w| with
    /// u = 2⁻⁹ (both operands rounded to bf16's 8-bit significand), and the 2K fp32 additions add at
    /// most 2K·2⁻²⁴ of Σ|a·w| (to first order), so |c − exact| ≤ (2⁻⁸ + 2⁻¹⁸ + 2K·2⁻²⁴·1.01)·Σ|a·w|.
    @Test func scalarWithinBF16Bound() throws {
        var rng = SeededGenerator(seed: 34)
        let (m, k, n) = (9, 3000, 33)
        let a = random(m * k, &rng), w = random(n * k, &rng), bias = random(n, &rng)
        let c = try run(.scalar, m: m, k: k, n: n, a: a, w: w, bias: bias)
        let factor = pow(2.0, -8) + pow(2.0, -18) + 2.0 * Double(k) * pow(2.0, -24) * 1.01
        var worstRatio = 0.0, anyError = false
        for i in 0..<m {
            for j in 0..<n {
                var s = Double(bias[j]), mag = 0.0
                for kk in 0..<k { s += Double(a[i * k + kk]) * Double(w[j * k + kk]); mag += abs(Double(a[i * k + kk]) * Double(w[j * k + kk])) }
                let err = abs(Double(c[i * n + j]) - s)
                anyError = anyError || err > 0
                worstRatio = max(worstRatio, err / (factor * mag))
            }
        }
        #expect(worstRatio <= 1, "error reaches \(worstRatio) of the bound")
        #expect(anyError, "bf16 rounding left no trace: the inputs were not rounded")
    }

    static func mlpGraph(_ rng: inout SeededGenerator) -> ModelGraph {
        func t(_ shape: [Int]) -> Tensor { Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in rng.normal() * 0.2 }) }
        let nodes = [
            Node(name: "fc1", op: "Linear", inputs: ["x", "w1", "b1"], outputs: ["h"]),
            Node(name: "act", op: "Gelu", inputs: ["h"], outputs: ["g"]),
            Node(name: "fc2", op: "Linear", inputs: ["g", "w2", "b2"], outputs: ["y0"]),
            Node(name: "res", op: "Add", inputs: ["y0", "x"], outputs: ["y"]),
        ]
        return ModelGraph(name: "mlp", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(11), .fixed(40)])], outputs: ["y"], nodes: nodes,
                          initializers: ["w1": t([150, 40]), "b1": t([150]), "w2": t([40, 150]), "b2": t([40])])
    }

    @Test func executorBF16ModeFusesAndStaysCloseToFP32() throws {
        guard let path = try BF16GEMM.selectedPath() else {
            // Without bf16 hardware the executor runs fp32: check that instead of skipping.
            let e = try Executor(graph: Self.mlpGraph(&Self.seed), threads: 1, precision: .bf16)
            #expect(e.bf16Path == nil)
            return
        }
        var rng = SeededGenerator(seed: 35)
        let g = Self.mlpGraph(&rng)
        let x = Tensor(shape: [2, 11, 40], floats: random(880, &rng))
        let bf16 = try Executor(graph: g, threads: 2, precision: .bf16)
        #expect(bf16.bf16Path == path)
        let fused = try #require(try bf16.run(["x": x])["y"])
        let unfused = try #require(try Executor(graph: g, threads: 1, fuseEpilogues: false, precision: .bf16).run(["x": x])["y"])
        #expect(fused.floatArray() == unfused.floatArray())
        let fp32 = try #require(try Executor(graph: g, threads: 1).run(["x": x])["y"])
        let diff = Tolerance.maxAbsDiff(fused, fp32)
        #expect(diff > 0 && diff < 0.05, "bf16 against fp32: \(diff)")
        #expect(Tolerance.minRowCosine(fused, fp32) > 0.999)
    }
    static var seed = SeededGenerator(seed: 36)

    @Test func pathSelection() throws {
        #expect(try BF16GEMM.selectedPath(environment: [BF16GEMM.environmentKey: "SCALAR"]) == .scalar)
        let chosen = try BF16GEMM.selectedPath(environment: [:])
        if BF16GEMM.Path.amx.isSupported {
            #expect(chosen == .amx)
        } else if BF16GEMM.Path.avx512bf16.isSupported {
            #expect(chosen == .avx512bf16 || chosen == .avx512)
        } else {
            #expect(chosen == nil)
        }
        #expect(throws: GraphError.self) { try BF16GEMM.selectedPath(environment: [BF16GEMM.environmentKey: "tdpbf16"]) }
        for p in BF16GEMM.Path.allCases where !p.isSupported {
            #expect(throws: GraphError.self) { try BF16GEMM.selectedPath(environment: [BF16GEMM.environmentKey: p.rawValue]) }
        }
    }

    @Test func packedShapeIsChecked() throws {
        var rng = SeededGenerator(seed: 37)
        let g = Self.mlpGraph(&rng)
        var packed = try PackLinearWeightsPass.apply(g, bf16: .scalar)
        #expect(packed.nodes.filter { $0.op == PackedBF16LinearKernel.op }.count == 2 && packed.initializers["w1"] == nil)
        packed.initializers["w1#packed"] = Tensor(zeros: .u16, shape: [3, 42, 64])
        #expect(throws: GraphError.self) { try packed.inferShapes(registry: .standard) }
        // The widened path's own layout: F32 panels of 32 columns; the bf16 layout is refused there.
        guard BF16GEMM.Path.widened.isSupported else { return }
        var widened = try PackLinearWeightsPass.apply(g, bf16: .widened)
        #expect(widened.initializers["w1#packed"]?.dtype == .f32 && widened.initializers["w1#packed"]?.shape == [5, 40, 32])
        _ = try widened.inferShapes(registry: .standard)
        widened.initializers["w1#packed"] = try BF16GEMM.pack(g.initializers["w1"]!, name: "w1")
        #expect(throws: GraphError.self) { try widened.inferShapes(registry: .standard) }
    }
}
