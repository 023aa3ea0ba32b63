import Graph
import Testing
@testable import Quantize
import CInt8GEMM

/// The AMX int8 kernel against the scalar reference, bit for bit: its tile program on the portable
/// tile model on every machine, and on the hardware where the CPU has AMX.
@Suite struct Int8AMXTests {
    typealias Case = Int8GEMMTests.Case

    /// Tile edges (16/32 rows, 64-byte K blocks, 32/64-column halves and panels), one past and one
    /// short of each, and seeded random shapes over M 1...70, K 4...300, N 1...200 (40 in all).
    static let cases: [Case] = {
        var list = [
            Case(m: 1, k: 4, n: 1, adversarial: false), Case(m: 16, k: 64, n: 16, adversarial: false),
            Case(m: 17, k: 65, n: 33, adversarial: false), Case(m: 32, k: 128, n: 64, adversarial: false),
            Case(m: 33, k: 252, n: 65, adversarial: false), Case(m: 15, k: 63, n: 31, adversarial: false),
            Case(m: 31, k: 60, n: 200, adversarial: false), Case(m: 48, k: 192, n: 129, adversarial: false),
            Case(m: 70, k: 300, n: 200, adversarial: true), Case(m: 64, k: 256, n: 128, adversarial: true),
        ]
        var rng = SeededGenerator(seed: 1515)
        for _ in 0..<30 {
            list.append(Case(m: 1 + Int(rng.next() % 70), k: 4 + Int(rng.next() % 297), n: 1 + Int(rng.next() % 200),
                             adversarial: false))
        }
        return list
    }()

    /// `runs` (each a panel range) of the emulated kernel into one output; columns never covered keep their sentinel.
    static func emulated<T>(_ q: QuantizedRows, _ p: PackedWeights, raw: Bool, fill: T, residual: [Float]? = nil,
                            runs: [Range<Int>], simd: Bool = false) throws -> [T] {
        var out = [T](repeating: fill, count: q.rows * p.outFeatures)
        try out.withUnsafeMutableBytes { c in
            for r in runs {
                if let residual {
                    try residual.withUnsafeBufferPointer {
                        try Int8AMXEmulation.run(q, p, raw: raw, into: c.baseAddress!, ldc: p.outFeatures, residual: $0.baseAddress!, panels: r,
                                                     simdEpilogue: simd)
                    }
                } else {
                    try Int8AMXEmulation.run(q, p, raw: raw, into: c.baseAddress!, ldc: p.outFeatures, panels: r, simdEpilogue: simd)
                }
            }
        }
        return out
    }

    /// The epilogues the emulated kernel runs here: scalar always, AVX-512 (the hardware path's) where the CPU has it.
    static let epilogues: [Bool] = Int8AMXEmulation.simdEpilogueSupported ? [false, true] : [false]

    @Test(arguments: cases)
    func emulatedKernelIsBitExact(_ c: Case) throws {
        let (q, w, scale, bias) = Int8GEMMTests.operands(c, seed: 21)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        let all = [0..<p.panels]
        // The panel range split in two (as threads split it) where there are two panels or more.
        let splits = p.panels > 1 ? [[0..<(p.panels / 2), (p.panels / 2)..<p.panels]] : []
        let refRaw = Int8GEMMTests.raw(q, p, .scalar, threads: 1), refF = Int8GEMMTests.floats(q, p, .scalar, threads: 1)
        var rng = SeededGenerator(seed: 22)
        let res = (0..<(c.m * c.n)).map { _ in rng.normal() }
        let want = zip(refF, res).map { $0 + $1 }
        for simd in Self.epilogues {
            for runs in [all] + splits {
                #expect(try Self.emulated(q, p, raw: true, fill: Int32(-1), runs: runs, simd: simd) == refRaw,
                        "int32, panels \(runs), simd epilogue \(simd)")
                let f = try Self.emulated(q, p, raw: false, fill: Float.nan, runs: runs, simd: simd)
                #expect(f.map(\.bitPattern) == refF.map(\.bitPattern), "fp32 epilogue, panels \(runs), simd epilogue \(simd)")
            }
            let got = try Self.emulated(q, p, raw: false, fill: Float.nan, residual: res, runs: all, simd: simd)
            #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "fp32 epilogue + residual, simd epilogue \(simd)")
        }
    }

    /// A panel range writes its own columns and nothing else.
    @Test func emulatedPanelRangeWritesOnlyItsColumns() throws {
        let c = Case(m: 37, k: 130, n: 200, adversarial: false)
        let (q, w, scale, bias) = Int8GEMMTests.operands(c, seed: 23)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        let ref = Int8GEMMTests.raw(q, p, .scalar, threads: 1)
        let got = try Self.emulated(q, p, raw: true, fill: Int32.min, runs: [1..<3])
        for r in 0..<c.m {
            for n in 0..<c.n {
                let want = (64..<192).contains(n) ? ref[r * c.n + n] : Int32.min
                #expect(got[r * c.n + n] == want, "row \(r) column \(n)")
            }
        }
    }

    /// The self-check the hardware path runs before it is offered passes on the emulated kernel.
    @Test func selfCheckPassesOnTheEmulator() {
        #expect(vitopt_i8_amx_emulated_self_check() == 1)
    }

    /// The emulator refuses what LDTILECFG refuses with #GP, so a wrong configuration in the kernel
    /// cannot pass here and fault on the hardware.
    @Test func emulatorValidatesConfigurations() {
        func config(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var b = [UInt8](repeating: 0, count: 64)
            b[0] = 1
            b[16] = 64; b[48] = 16 // tile 0: 16 rows × 64 bytes
            edit(&b)
            return b
        }
        #expect(Int8AMXEmulation.checkConfiguration(config { _ in }) == nil)
        #expect(Int8AMXEmulation.checkConfiguration(config { $0 = [UInt8](repeating: 0, count: 64) }) == nil, "palette 0 releases")
        let invalid: [(String, (inout [UInt8]) -> Void)] = [
            ("palette 2", { $0[0] = 2 }), ("start_row 1", { $0[1] = 1 }), ("reserved byte 2", { $0[2] = 1 }),
            ("tile 0 with 17 rows", { $0[48] = 17 }), ("tile 0 with 65 bytes", { $0[16] = 65 }),
            ("rows without bytes", { $0[49] = 4 }), ("bytes without rows", { $0[18] = 4 }),
            ("tile 8 configured", { $0[32] = 64; $0[56] = 16 }), ("colsb high byte", { $0[17] = 1 }),
        ]
        for (what, edit) in invalid {
            #expect(Int8AMXEmulation.checkConfiguration(config(edit))?.code == 1, "\(what)")
        }
    }

    /// The hardware path, where this CPU has it (the emulated tests above ran on every machine).
    @Test(.enabled(if: Int8KernelPath.amx.isSupported,
                   "this CPU (or OS) has no AMX-INT8: the AMX kernel was verified only on the tile emulator"),
          arguments: cases)
    func hardwareKernelIsBitExact(_ c: Case) {
        let (q, w, scale, bias) = Int8GEMMTests.operands(c, seed: 24)
        let p = PackedWeights(weight: w, scale: scale, bias: bias)
        for threads in [1, 2] {
            #expect(Int8GEMMTests.raw(q, p, .amx, threads: threads) == Int8GEMMTests.raw(q, p, .scalar, threads: 1))
            let f = Int8GEMMTests.floats(q, p, .amx, threads: threads), ref = Int8GEMMTests.floats(q, p, .scalar, threads: 1)
            #expect(f.map(\.bitPattern) == ref.map(\.bitPattern), "\(threads) threads")
        }
    }

    /// `VITOPT_INT8_KERNEL=amx` selects AMX where it runs and is refused with a typed error elsewhere;
    /// AMX is the default where supported.
    @Test func amxIsForcedOrRefused() throws {
        print("int8 kernel paths on this CPU: \(Int8KernelPath.available.map(\.rawValue).joined(separator: ", ")); AMX kernel tested "
              + "\(Int8KernelPath.amx.isSupported ? "on the hardware and" : "only") on the tile emulator, epilogues: "
              + "\(Self.epilogues.map { $0 ? "avx512" : "scalar" }.joined(separator: ", "))")
        if Int8KernelPath.amx.isSupported {
            #expect(try Int8KernelPath.selected(environment: ["VITOPT_INT8_KERNEL": "AMX"]) == .amx)
            #expect(Int8KernelPath.best == .amx)
        } else {
            #expect(throws: QuantizeError.self) { try Int8KernelPath.selected(environment: ["VITOPT_INT8_KERNEL": "amx"]) }
            #expect(Int8KernelPath.amxStatus != "AMX ready")
            #expect(Int8KernelPath.best != .amx)
        }
    }
}
