import Foundation
import Testing
@testable import Distill
import Graph

/// `CDistillKernels` through `AttentionMath`: every path this CPU runs agrees with the scalar C reference
/// bit for bit, and the reference agrees with float64 math (products within 1e-5 relative to the sum of
/// |terms|). The training softmax is the runtime's, tested in GraphTests.
@Suite struct AttentionMathTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (5, 7, 3), (16, 16, 16), (17, 33, 16), (65, 65, 16), (9, 20, 40)]

    func random(_ count: Int, _ rng: inout SeededGenerator) -> [Float] { (0..<count).map { _ in rng.normal() } }

    @Test func productsMatchTheReferenceBitForBit() {
        var rng = SeededGenerator(seed: 21)
        for (m, n, k) in Self.shapes {
            let lda = k + 3, ldb = k + 5, ldo = max(n, k) + 2
            let a = random(m * lda, &rng), b = random(n * ldb, &rng), p = random(max(m, n) * max(m, n) + 8, &rng)
            let v = random(max(m, n) * ldb, &rng)
            var scratch = [Float](repeating: 0, count: AttentionMath.abTScratch(n: n, k: k))
            func abT(_ path: AttentionMath.Path) -> [Float] {
                var out = [Float](repeating: -7, count: m * ldo)
                AttentionMath.abT(m: m, n: n, k: k, scale: 0.37, a: a, lda: lda, b: b, ldb: ldb, out: &out, ldo: ldo, scratch: &scratch, path: path)
                return out
            }
            func ab(_ path: AttentionMath.Path, _ trans: Bool, accumulate: Bool = false) -> [Float] {
                var out = [Float](repeating: -7, count: m * ldo)
                AttentionMath.ab(m: m, n: n, k: k, alpha: 0.61, p: p, ldp: max(m, n), transposeP: trans, v: v, ldv: ldb, out: &out, ldo: ldo,
                                 accumulate: accumulate, path: path)
                return out
            }
            let ref = abT(.scalar), refAB = ab(.scalar, false), refABT = ab(.scalar, true)
            for path in AttentionMath.availablePaths {
                #expect(abT(path).map(\.bitPattern) == ref.map(\.bitPattern), "abT \(path) \(m)×\(n)×\(k)")
                #expect(ab(path, false).map(\.bitPattern) == refAB.map(\.bitPattern), "ab \(path) \(m)×\(n)×\(k)")
                #expect(ab(path, true).map(\.bitPattern) == refABT.map(\.bitPattern), "abᵀ \(path) \(m)×\(n)×\(k)")
                #expect(ab(path, true, accumulate: true).map(\.bitPattern) == ab(.scalar, true, accumulate: true).map(\.bitPattern))
            }
            // The reference against float64, and padding columns untouched.
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0, mag = 0.0
                    for c in 0..<k { let t = Double(a[i * lda + c]) * Double(b[j * ldb + c]); s += t; mag += abs(t) }
                    #expect(abs(Double(ref[i * ldo + j]) - 0.37 * s) <= 1e-5 * 0.37 * mag + 1e-30, "abT [\(i),\(j)]")
                }
                for c in 0..<k {
                    var s = 0.0, mag = 0.0
                    for j in 0..<n { let t = Double(p[j * max(m, n) + i]) * Double(v[j * ldb + c]); s += t; mag += abs(t) }
                    #expect(abs(Double(refABT[i * ldo + c]) - 0.61 * s) <= 1e-5 * 0.61 * mag + 1e-30, "abᵀ [\(i),\(c)]")
                }
                for c in max(n, k)..<ldo { #expect(ref[i * ldo + c] == -7 && refAB[i * ldo + c] == -7) }
                let acc = ab(.scalar, true, accumulate: true)
                for c in 0..<k { #expect(acc[i * ldo + c] == refABT[i * ldo + c] + -7, "accumulate [\(i),\(c)]") }
            }
        }
    }
}
