import Foundation
import Testing
@testable import Graph

/// The AMX-BF16 kernel: its tile program on the portable tile model on every machine — bit for bit
/// against the stated even-then-odd `TDPBF16PS` order, and within `BF16GEMM.amxBound` of the scalar
/// reference — and on the hardware, where the CPU has it, against the bound.
@Suite struct BF16AMXTests {
    /// Tile edges (16/32 rows, 16-pair K blocks, 16/32-column halves and 64-column panels), one past and one
    /// short of each, odd K, and seeded random shapes over M 1...40, K 1...100, N 1...140 (20 in all).
    static let shapes: [(m: Int, k: Int, n: Int)] = {
        var list = [(1, 1, 1), (16, 32, 16), (17, 34, 33), (32, 64, 64), (33, 66, 65), (15, 30, 31), (31, 33, 200),
                    (37, 70, 100), (48, 200, 129), (33, 130, 129)]
        var rng = SeededGenerator(seed: 1616)
        for _ in 0..<10 { list.append((1 + Int(rng.next() % 40), 1 + Int(rng.next() % 100), 1 + Int(rng.next() % 140))) }
        return list
    }()

    struct Operands {
        let m: Int, k: Int, n: Int
        let rows: [UInt16], packed: Tensor, w: [UInt16], bias: [Float]
        var kp: Int { BF16GEMM.paddedK(k) }
    }

    static func operands(_ s: (m: Int, k: Int, n: Int), seed: UInt64) throws -> Operands {
        var rng = SeededGenerator(seed: seed)
        let a = (0..<(s.m * s.k)).map { _ in rng.normal() }, w = (0..<(s.n * s.k)).map { _ in rng.normal() }
        let bias = (0..<s.n).map { _ in rng.normal() }
        let rows = (0..<s.m).flatMap { BF16GEMM.roundRow(Array(a[($0 * s.k)..<(($0 + 1) * s.k)]), path: .scalar) }
        let packed = try BF16GEMM.pack(Tensor(shape: [s.n, s.k], floats: w), name: "w")
        return Operands(m: s.m, k: s.k, n: s.n, rows: rows, packed: packed, w: w.map(BF16GEMM.round), bias: bias)
    }

    static func widen(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }
    static func flush(_ v: Float) -> Float { abs(v) < .leastNormalMagnitude ? Float(sign: v.sign, exponent: 0, significand: 0) : v }

    /// The stated `TDPBF16PS` order in Swift: from the bias, per pair the even then the odd product, each
    /// fused multiply-add flushed.
    static func evenOddReference(_ o: Operands) -> [Float] {
        var out = [Float](repeating: 0, count: o.m * o.n)
        for r in 0..<o.m {
            for c in 0..<o.n {
                var s = flush(o.bias[c])
                for q in 0..<(o.kp / 2) {
                    for l in 0..<2 {
                        let kk = 2 * q + l
                        let w = kk < o.k ? widen(o.w[c * o.k + kk]) : 0
                        s = flush(s.addingProduct(flush(widen(o.rows[r * o.kp + kk])), flush(w)))
                    }
                }
                out[r * o.n + c] = s
            }
        }
        return out
    }

    /// `|bias| + Σ|a·w|` per output, for the bound.
    static func magnitudes(_ o: Operands) -> [Double] {
        (0..<(o.m * o.n)).map { i in
            let (r, c) = (i / o.n, i % o.n)
            return (0..<o.k).reduce(abs(Double(o.bias[c]))) { $0 + abs(Double(widen(o.rows[r * o.kp + $1])) * Double(widen(o.w[c * o.k + $1]))) }
        }
    }

    static func emulated(_ o: Operands, epilogue: Int = 0, residual: [Float]? = nil, panels: [Range<Int>]? = nil) throws -> [Float] {
        var c = [Float](repeating: .nan, count: o.m * o.n)
        let res = residual ?? []
        try o.rows.withUnsafeBufferPointer { ap in
            try o.bias.withUnsafeBufferPointer { bp in
                try res.withUnsafeBufferPointer { rp in
                    try c.withUnsafeMutableBufferPointer { cp in
                        let e: FloatGEMM.Epilogue = epilogue == 1 ? .gelu : epilogue == 2 ? .residual(rp.baseAddress!) : .none
                        for range in panels ?? [0..<o.packed.shape[0]] {
                            try BF16AMXEmulation.run(ap.baseAddress!, lda: o.kp, m: o.m, k: o.k, packed: o.packed, n: o.n, bias: bp.baseAddress,
                                                     epilogue: e, into: cp.baseAddress!, panels: range)
                        }
                    }
                }
            }
        }
        return c
    }

    static func scalar(_ o: Operands, path: BF16GEMM.Path = .scalar, threads: Int = 1) throws -> [Float] {
        var c = [Float](repeating: .nan, count: o.m * o.n)
        let a = (0..<o.m).flatMap { r in (0..<o.k).map { widen(o.rows[r * o.kp + $0]) } }
        try a.withUnsafeBufferPointer { ap in
            try o.bias.withUnsafeBufferPointer { bp in
                try c.withUnsafeMutableBufferPointer { cp in
                    try BF16GEMM.multiply(ap.baseAddress!, m: o.m, k: o.k, packed: o.packed, n: o.n, bias: bp.baseAddress, into: cp.baseAddress!,
                                          path: path, context: ExecutionContext(threads: threads))
                }
            }
        }
        return c
    }

    @Test func emulatedKernelFollowsTheStatedOrderAndTheBound() throws {
        for (i, s) in Self.shapes.enumerated() {
            let o = try Self.operands(s, seed: 40 + UInt64(i))
            let got = try Self.emulated(o), want = Self.evenOddReference(o)
            let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(s): \(differing) of \(got.count) outputs differ from the even-then-odd order")
            let ref = try Self.scalar(o), mags = Self.magnitudes(o)
            var worst = 0.0
            for j in got.indices { worst = max(worst, abs(Double(got[j]) - Double(ref[j])) / BF16GEMM.amxBound(paddedK: o.kp, magnitude: mags[j])) }
            #expect(worst <= 1, "\(s): \(worst) of the bound from the scalar reference")
        }
    }

    /// Residual and GELU run after the accumulators, as on the other paths; split panel ranges (as threads
    /// split them) give the same bits, and a range writes only its own columns.
    @Test func epiloguesAndPanelRanges() throws {
        let o = try Self.operands((37, 70, 200), seed: 60)
        var rng = SeededGenerator(seed: 61)
        let res = (0..<(o.m * o.n)).map { _ in rng.normal() }
        let plain = try Self.emulated(o)
        #expect(try Self.emulated(o, epilogue: 2, residual: res).map(\.bitPattern) == zip(plain, res).map { ($0 + $1).bitPattern })
        var gelu = plain
        gelu.withUnsafeMutableBufferPointer { VectorMath.gelu($0.baseAddress!, $0.baseAddress!, count: $0.count) }
        #expect(try Self.emulated(o, epilogue: 1).map(\.bitPattern) == gelu.map(\.bitPattern))
        #expect(try Self.emulated(o, panels: [0..<1, 1..<2, 2..<4]).map(\.bitPattern) == plain.map(\.bitPattern))
        let middle = try Self.emulated(o, panels: [1..<3])
        for r in 0..<o.m {
            for c in 0..<o.n {
                let v = middle[r * o.n + c]
                if (64..<192).contains(c) { #expect(v.bitPattern == plain[r * o.n + c].bitPattern, "row \(r) column \(c)") }
                else { #expect(v.isNaN, "row \(r) column \(c) written outside the panel range") }
            }
        }
    }

    @Test func selfCheckPassesOnTheEmulator() {
        #expect(BF16AMXEmulation.selfCheckPasses)
    }

    /// The hardware path, where this CPU has it (the emulated tests above ran on every machine).
    @Test(.enabled(if: BF16GEMM.Path.amx.isSupported,
                   "this CPU (or OS) has no AMX-BF16: the AMX kernel was verified only on the tile emulator"))
    func hardwareKernelWithinTheBound() throws {
        for (i, s) in Self.shapes.enumerated() {
            let o = try Self.operands(s, seed: 80 + UInt64(i))
            let ref = try Self.scalar(o), mags = Self.magnitudes(o)
            for threads in [1, 2] {
                let got = try Self.scalar(o, path: .amx, threads: threads)
                let worst = got.indices.map { abs(Double(got[$0]) - Double(ref[$0])) / BF16GEMM.amxBound(paddedK: o.kp, magnitude: mags[$0]) }.max() ?? 0
                #expect(worst <= 1, "\(s), \(threads) threads: \(worst) of the bound")
            }
        }
    }

    /// `VITOPT_BF16_KERNEL=amx` selects AMX where it runs and is refused with a typed error naming why
    /// elsewhere; AMX is the default where it is ready.
    @Test func amxIsForcedOrRefused() throws {
        print("bf16 kernel paths on this CPU: \(BF16GEMM.availablePaths.map(\.rawValue).joined(separator: ", ")); \(BF16GEMM.amxStatus); "
              + "AMX kernel tested \(BF16GEMM.Path.amx.isSupported ? "on the hardware and" : "only") on the tile emulator")
        if BF16GEMM.Path.amx.isSupported {
            #expect(try BF16GEMM.selectedPath(environment: [BF16GEMM.environmentKey: "AMX"]) == .amx)
            #expect(try BF16GEMM.selectedPath(environment: [:]) == .amx)
        } else {
            #expect(throws: GraphError.self) { try BF16GEMM.selectedPath(environment: [BF16GEMM.environmentKey: "amx"]) }
            #expect(try BF16GEMM.selectedPath(environment: [:]) != .amx)
            #expect(BF16GEMM.amxStatus != "AMX-BF16 ready")
        }
        #expect(!BF16GEMM.Path.amx.isBitExact && BF16GEMM.Path.allCases.filter { $0 != .amx }.allSatisfy(\.isBitExact))
    }
}
