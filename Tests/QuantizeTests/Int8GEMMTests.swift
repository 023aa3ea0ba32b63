import Graph
import Testing
@testable import Quantize

/// Every kernel path the machine has against the scalar reference, bit for bit, and the epilogue
/// against a float64 reference.
@Suite struct Int8GEMMTests {
    struct Case: Sendable, CustomStringConvertible {
        let m, k, n: Int
        let adversarial: Bool
        var description: String { "\(m)x\(k)x\(n)\(adversarial ? " adversarial" : "")" }
    }

    static let cases: [Case] = [
        Case(m: 1, k: 4, n: 1, adversarial: false), Case(m: 7, k: 13, n: 70, adversarial: false),
        Case(m: 13, k: 66, n: 129, adversarial: false), Case(m: 6, k: 768, n: 64, adversarial: false),
        Case(m: 25, k: 191, n: 200, adversarial: false), Case(m: 12, k: 3072, n: 65, adversarial: true),
        Case(m: 5, k: 771, n: 33, adversarial: true),
        // K blocked (K > 512, at least two row tiles; 61 rows span two chunks of eight tiles plus a tail).
        Case(m: 29, k: 1030, n: 70, adversarial: false), Case(m: 61, k: 600, n: 64, adversarial: true),
        // Two 384-row activation blocks (the second 316 rows long), K blocked (K > 1024).
        Case(m: 700, k: 1100, n: 70, adversarial: false),
        // An fp32 output over VITOPT_I8_STREAM_BYTES (4 MiB): streaming stores on the even rows (64-byte
        // aligned at ldc 1000), ordinary ones on the odd rows and the ragged last panel.
        Case(m: 1050, k: 40, n: 1000, adversarial: false),
    ]

    /// Random (or all-255 × ±127) operands: rows as u8 with random zero points, weights I8 [N, K].
    static func operands(_ c: Case, seed: UInt64) -> (QuantizedRows, Tensor, Tensor, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let q = QuantizedRows(rows: c.m, features: c.k)
        let a = q.values.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
        for r in 0..<c.m {
            for i in 0..<c.k { a[r * q.paddedK + i] = c.adversarial ? 255 : UInt8(truncatingIfNeeded: rng.next()) }
            q.scales.mutableFloats[r] = Float(rng.next() % 1_000_000) / 1e6 * 0.1 + 0.001
            q.zeroPoints.mutableRawPointer.assumingMemoryBound(to: Int32.self)[r] = Int32(rng.next() % 256)
        }
        let w = Tensor(zeros: .i8, shape: [c.n, c.k])
        let wp = w.mutableRawPointer.assumingMemoryBound(to: Int8.self)
        for i in 0..<(c.n * c.k) {
            wp[i] = c.adversarial ? (rng.next() % 2 == 0 ? 127 : -127) : Int8(Int(rng.next() % 255) - 127)
        }
        let scale = Tensor(shape: [c.n], floats: (0..<c.n).map { _ in Float(rng.next() % 1_000_000) / 1e6 * 0.02 + 1e-4 })
        let bias = Tensor(shape: [c.n], floats: (0..<c.n).map { _ in Float(rng.normal()) })
        return (q, w, scale, bias)
    }

    static func raw(_ q: QuantizedRows, _ p: PackedWeights, _ path: Int8KernelPath, threads: Int) -> [Int32] {
        var out = [Int32](repeating: -1, count: q.rows * p.outFeatures)
        out.withUnsafeMutableBufferPointer {
            Int8GEMM.runRaw(q, p, into: $0.baseAddress!, ldc: p.outFeatures, path: path, context: ExecutionContext(threads: threads))
        }
        return out
    }

    static func floats(_ q: QuantizedRows, _ p: PackedWeights, _ path: Int8KernelPath, threads: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: q.rows * p.outFeatures)
        out.withUnsafeMutableBufferPointer {
            Int8GEMM.run(q, p, into: $0.baseAddress!, ldc: p.outFeatures, path: path, context: ExecutionContext(threads: threads))
        }
        return out
    }

    @Test(arguments: cases)
    func scalarMatchesExactIntegerProduct(_ c: Case) {
        let (q, w, scale, bias) = Self.operands(c, seed: 11)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        let got = Self.raw(q, p, .scalar, threads: 1)
        let a = q.values.rawPointer.assumingMemoryBound(to: UInt8.self), wp = w.rawPointer.assumingMemoryBound(to: Int8.self)
        for r in 0..<c.m {
            for n in 0..<c.n {
                var acc = 0
                for i in 0..<c.k { acc += Int(a[r * q.paddedK + i]) * Int(wp[n * c.k + i]) }
                #expect(Int(got[r * c.n + n]) == acc, "row \(r) column \(n)")
            }
        }
    }

    @Test(arguments: cases)
    func everyPathIsBitExact(_ c: Case) {
        let (q, w, scale, bias) = Self.operands(c, seed: 5)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        let refRaw = Self.raw(q, p, .scalar, threads: 1), refF = Self.floats(q, p, .scalar, threads: 1)
        #expect(Int8KernelPath.available.contains(.scalar))
        for path in Int8KernelPath.available {
            for threads in [1, 2] {
                #expect(Self.raw(q, p, path, threads: threads) == refRaw, "\(path) int32, \(threads) threads")
                let f = Self.floats(q, p, path, threads: threads)
                #expect(f.map(\.bitPattern) == refF.map(\.bitPattern), "\(path) fp32 epilogue, \(threads) threads")
            }
        }
    }

    /// The AVX-512 activation quantizer against the portable loop, bit for bit, on every tail length.
    @Test func simdQuantizerMatchesPortableLoop() {
        var rng = SeededGenerator(seed: 12)
        for k in [1, 3, 15, 16, 17, 64, 197, 768, 771] {
            var x = (0..<k).map { _ in rng.normal() * 3 }
            if k > 2 { x[1] = 0; x[2] = -0.0 }
            let a = QuantizedRows.quantizeRow(x, simd: true), b = QuantizedRows.quantizeRow(x, simd: false)
            #expect(a.values == b.values && a.scale == b.scale && a.zeroPoint == b.zeroPoint, "k=\(k)")
        }
    }

    /// A row with NaN (and infinities, which make the scale infinite) quantizes the same on both loops:
    /// NaN lanes become 0 on each, instead of the portable loop converting NaN to an integer (undefined in C).
    @Test func nonFiniteActivationsQuantizeTheSameOnBothLoops() {
        var rng = SeededGenerator(seed: 13)
        for (k, bad) in [(5, [Float.nan]), (33, [.nan, 1e30]), (40, [.infinity]), (17, [-.infinity, .nan])] {
            var x = (0..<k).map { _ in rng.normal() }
            for (i, v) in bad.enumerated() { x[(i * 7 + 1) % k] = v }
            let a = QuantizedRows.quantizeRow(x, simd: true), b = QuantizedRows.quantizeRow(x, simd: false)
            #expect(a.values == b.values, "k=\(k) \(bad)")
            if bad.count == 1 && bad[0].isNaN { #expect(b.values[1] == 0, "a NaN lane quantizes to 0") }
        }
    }

    /// The residual epilogue is the plain epilogue plus one fp32 add, on every path.
    @Test(arguments: cases)
    func residualEpilogueIsOneAdd(_ c: Case) {
        let (q, w, scale, bias) = Self.operands(c, seed: 7)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        var rng = SeededGenerator(seed: 8)
        let res = (0..<(c.m * c.n)).map { _ in rng.normal() }
        let want = zip(Self.floats(q, p, .scalar, threads: 1), res).map { $0 + $1 }
        for path in Int8KernelPath.available {
            for threads in [1, 2] {
                var out = [Float](repeating: .nan, count: c.m * c.n)
                res.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer {
                        Int8GEMM.run(q, p, into: $0.baseAddress!, ldc: c.n, residual: r.baseAddress!, path: path,
                                     context: ExecutionContext(threads: threads))
                    }
                }
                #expect(out.map(\.bitPattern) == want.map(\.bitPattern), "\(path) residual, \(threads) threads")
            }
        }
    }

    @Test(arguments: cases)
    func epilogueMatchesFloatReference(_ c: Case) {
        let (q, w, scale, bias) = Self.operands(c, seed: 9)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        let got = Self.floats(q, p, Int8KernelPath.best, threads: 2)
        let a = q.values.rawPointer.assumingMemoryBound(to: UInt8.self), wp = w.rawPointer.assumingMemoryBound(to: Int8.self)
        let zp = q.zeroPoints.rawPointer.assumingMemoryBound(to: Int32.self)
        for r in 0..<c.m {
            for n in 0..<c.n {
                var acc = 0.0
                for i in 0..<c.k { acc += (Double(a[r * q.paddedK + i]) - Double(zp[r])) * Double(wp[n * c.k + i]) }
                let want = acc * Double(q.scales.floats[r]) * Double(scale.floats[n]) + Double(bias.floats[n])
                let tol = 1e-6 * (abs(acc * Double(q.scales.floats[r]) * Double(scale.floats[n])) + abs(Double(bias.floats[n])) + 1)
                #expect(abs(Double(got[r * c.n + n]) - want) <= tol, "row \(r) column \(n)")
            }
        }
    }

    @Test func forcedPathComesFromTheEnvironment() throws {
        #expect(try Int8KernelPath.selected(environment: [:]) == Int8KernelPath.best)
        #expect(try Int8KernelPath.selected(environment: ["VITOPT_INT8_KERNEL": "scalar"]) == .scalar)
        #expect(throws: QuantizeError.self) { try Int8KernelPath.selected(environment: ["VITOPT_INT8_KERNEL": "neon9"]) }
    }
}
