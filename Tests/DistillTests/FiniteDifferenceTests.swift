import Foundation
import Testing
@testable import Distill
import Graph

/// Each backward against central differences of a float64 reference forward (h = 1e-5, so the
/// numerical gradient is good to ~1e-9): the scalar probe is `L = Σ w·y` with random `w`, the fp32
/// analytic gradient must agree within 2e-4 · max|gradient| (fp32 forward rounding dominates).
@Suite struct FiniteDifferenceTests {
    var rng = SeededGenerator(seed: 5)
    mutating func values(_ n: Int, _ scale: Float = 1) -> [Float] { (0..<n).map { _ in rng.normal() * scale } }
    let ctx = ExecutionContext(threads: 2)

    /// Central differences of `f` at `x` in float64.
    func numeric(_ x: [Float], _ f: ([Double]) -> Double) -> [Double] {
        var xd = x.map(Double.init)
        return (0..<x.count).map { i in
            let h = 1e-5, o = xd[i]
            xd[i] = o + h; let up = f(xd)
            xd[i] = o - h; let down = f(xd)
            xd[i] = o
            return (up - down) / (2 * h)
        }
    }

    func expectClose(_ got: UnsafePointer<Float>, _ want: [Double], _ what: String) {
        let scale = want.map(abs).max() ?? 0
        let err = want.indices.map { abs(Double(got[$0]) - want[$0]) }.max() ?? 0
        #expect(err <= 2e-4 * max(scale, 1e-6), "\(what): max error \(err), max |grad| \(scale)")
    }

    @Test mutating func linear() {
        let (rows, k, n) = (5, 7, 4)
        let x = values(rows * k), w = values(n * k), b = values(n), probe = values(rows * n)
        func f(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for r in 0..<rows { for o in 0..<n { var y = b[o]; for i in 0..<k { y += x[r * k + i] * w[o * k + i] }; s += y * Double(probe[r * n + o]) } }
            return s
        }
        var dW = [Float](repeating: 0, count: n * k), db = [Float](repeating: 0, count: n), dx = [Float](repeating: 0, count: rows * k)
        LinearGrad.backward(x: x, dy: probe, rows: rows, k: k, n: n, weight: w, dW: &dW, db: &db, dx: &dx)
        let xd = x.map(Double.init), wd = w.map(Double.init), bd = b.map(Double.init)
        expectClose(dx, numeric(x) { f($0, wd, bd) }, "dx")
        expectClose(dW, numeric(w) { f(xd, $0, bd) }, "dW")
        expectClose(db, numeric(b) { f(xd, wd, $0) }, "db")
    }

    @Test mutating func layerNorm() {
        let (rows, d) = (6, 16)
        let x = values(rows * d, 2), g = values(d), beta = values(d), probe = values(rows * d)
        func f(_ x: [Double], _ g: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for r in 0..<rows {
                let row = Array(x[(r * d)..<((r + 1) * d)])
                let mean = row.reduce(0, +) / Double(d)
                let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
                for i in 0..<d { s += ((row[i] - mean) / (v + 1e-6).squareRoot() * g[i] + b[i]) * Double(probe[r * d + i]) }
            }
            return s
        }
        var dx = [Float](repeating: 0, count: rows * d), dg = [Float](repeating: 0, count: d), db = [Float](repeating: 0, count: d)
        LayerNormGrad.backward(x: x, dy: probe, rows: rows, width: d, gamma: g, epsilon: 1e-6, dx: &dx, dGamma: &dg, dBeta: &db, context: ctx)
        let xd = x.map(Double.init), gd = g.map(Double.init), bd = beta.map(Double.init)
        expectClose(dx, numeric(x) { f($0, gd, bd) }, "dx")
        expectClose(dg, numeric(g) { f(xd, $0, bd) }, "dgamma")
        expectClose(db, numeric(beta) { f(xd, gd, $0) }, "dbeta")
    }

    @Test mutating func gelu() {
        let x = values(200, 3), probe = values(200)
        var g = probe
        GeluGrad.backward(x: x, grad: &g, count: x.count, context: ctx)
        let want = numeric(x) { xs in xs.indices.reduce(0.0) { $0 + 0.5 * xs[$1] * (1 + Foundation.erf(xs[$1] / 2.0.squareRoot())) * Double(probe[$1]) } }
        expectClose(g, want, "gelu'")
    }

    /// Both attention paths: the AVX-512 kernels (where the CPU has them) and the portable OpenBLAS one.
    @Test(arguments: AttentionMath.availablePaths) mutating func attention(path: AttentionMath.Path) {
        let (n, t, d, heads) = (2, 5, 8, 2)
        let qkv = values(n * t * 3 * d), probe = values(n * t * d)
        let shape = AttentionGrad.Shape(batch: n, tokens: t, width: d, heads: heads)
        func f(_ q: [Double]) -> Double {
            let dh = d / heads, scale = 1 / Double(dh).squareRoot()
            var s = 0.0
            for b in 0..<n { for h in 0..<heads { for i in 0..<t {
                var logits = (0..<t).map { j in (0..<dh).reduce(0.0) { $0 + q[(b * t + i) * 3 * d + h * dh + $1] * q[(b * t + j) * 3 * d + d + h * dh + $1] } * scale }
                let m = logits.max()!
                logits = logits.map { Foundation.exp($0 - m) }
                let z = logits.reduce(0, +)
                for c in 0..<dh {
                    let o = (0..<t).reduce(0.0) { $0 + logits[$1] / z * q[(b * t + $1) * 3 * d + 2 * d + h * dh + c] }
                    s += o * Double(probe[(b * t + i) * d + h * dh + c])
                }
            } } }
            return s
        }
        var probs = [Float](repeating: 0, count: n * heads * t * t), out = [Float](repeating: 0, count: n * t * d)
        AttentionGrad.forward(qkv: qkv, shape: shape, probs: &probs, out: &out, context: ctx, path: path)
        var dqkv = [Float](repeating: 0, count: qkv.count), scratch = [Float](repeating: 0, count: AttentionGrad.scratchCount(shape, threads: ctx.threads))
        AttentionGrad.backward(qkv: qkv, probs: probs, dOut: probe, shape: shape, dqkv: &dqkv, scratch: &scratch, context: ctx, path: path)
        expectClose(dqkv, numeric(qkv, f), "dqkv (\(path))")
    }

    @Test(arguments: [DistillLoss.Kind.soft, .hard]) mutating func losses(kind: DistillLoss.Kind) {
        let (n, k) = (3, 5)
        let s = values(n * k, 2), dist = values(n * k, 2), t = values(n * k, 2), labels = [1, 4, 0]
        for withDist in [false, true] {
            let loss = DistillLoss(kind: kind, alpha: 0.3, temperature: 2.5)
            let dS = Tensor(zeros: .f32, shape: [n, k]), dD = Tensor(zeros: .f32, shape: [n, k])
            let st = Tensor(shape: [n, k], floats: s), dt = Tensor(shape: [n, k], floats: dist), tt = Tensor(shape: [n, k], floats: t)
            _ = loss.evaluate(student: st, distLogits: withDist ? dt : nil, teacher: tt, labels: labels, dLogits: dS, dDistLogits: withDist ? dD : nil)
            func value(_ a: [Double], _ b: [Double]) -> Double {
                let x = Tensor(shape: [n, k], floats: a.map(Float.init)), y = Tensor(shape: [n, k], floats: b.map(Float.init))
                return loss.evaluate(student: x, distLogits: withDist ? y : nil, teacher: tt, labels: labels,
                                     dLogits: Tensor(zeros: .f32, shape: [n, k]), dDistLogits: withDist ? Tensor(zeros: .f32, shape: [n, k]) : nil).total
            }
            // The loss is float64 inside but reads fp32 logits: use a larger step for these probes.
            func num(_ x: [Float], _ f: ([Double]) -> Double) -> [Double] {
                var xd = x.map(Double.init)
                return (0..<x.count).map { i in let o = xd[i]; xd[i] = o + 1e-2; let u = f(xd); xd[i] = o - 1e-2; let dn = f(xd); xd[i] = o; return (u - dn) / 2e-2 }
            }
            let sd = s.map(Double.init), dd = dist.map(Double.init)
            let wantS = num(s) { value($0, dd) }
            let errS = wantS.indices.map { abs(Double(dS.floats[$0]) - wantS[$0]) }.max()!
            #expect(errS <= 1e-3 * max(1e-3, wantS.map(abs).max()!), "\(kind) dist=\(withDist) dLogits error \(errS)")
            if withDist {
                let wantD = num(dist) { value(sd, $0) }
                let errD = wantD.indices.map { abs(Double(dD.floats[$0]) - wantD[$0]) }.max()!
                #expect(errD <= 1e-3 * max(1e-3, wantD.map(abs).max()!), "\(kind) dDistLogits error \(errD)")
            }
        }
    }
}
