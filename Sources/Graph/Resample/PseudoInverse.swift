/// Moore–Penrose pseudo-inverse of a small dense `Double` matrix, by one-sided Jacobi SVD.
///
/// Numerical contract: the SVD is computed to convergence in `Double` (off-diagonal inner products
/// below 1e-15 relative), so the result agrees with LAPACK's (`torch.linalg.pinv` in float64) to
/// ~1e-13 for well-conditioned matrices. Singular values `σ ≤ rtol · σ_max` are treated as zero;
/// the default `rtol = max(m, n) · 2⁻²³` is `torch.linalg.pinv`'s default cutoff for float32 input,
/// the precision timm's `resample_patch_embed` runs in. Meant for the interpolation matrices of a
/// patch kernel (tens of rows); cost is O(sweeps · m · n²).
enum PseudoInverse {
    /// pinv of the row-major `rows × cols` matrix `a`; returns row-major `cols × rows`.
    static func of(_ a: [Double], rows m: Int, cols n: Int, rtol: Double? = nil) -> [Double] {
        precondition(a.count == m * n && m > 0 && n > 0, "pseudo-inverse of a \(m)×\(n) matrix with \(a.count) values")
        let cutoff = rtol ?? Double(max(m, n)) * Double(Float.ulpOfOne)
        if m < n {
            // pinv(A) = pinv(Aᵀ)ᵀ; Jacobi below wants at least as many rows as columns.
            var t = [Double](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { t[j * m + i] = a[i * n + j] } }
            let p = of(t, rows: n, cols: m, rtol: cutoff)      // m × n
            var out = [Double](repeating: 0, count: n * m)
            for i in 0..<m { for j in 0..<n { out[j * m + i] = p[i * n + j] } }
            return out
        }
        // Column-major working copies: u = A (m × n), v = I (n × n).
        var u = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { u[j * m + i] = a[i * n + j] } }
        var v = [Double](repeating: 0, count: n * n)
        for j in 0..<n { v[j * n + j] = 1 }
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m {
                        let x = u[p * m + i], y = u[q * m + i]
                        alpha += x * x
                        beta += y * y
                        gamma += x * y
                    }
                    if gamma == 0 || abs(gamma) <= 1e-15 * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let x = u[p * m + i], y = u[q * m + i]
                        u[p * m + i] = c * x - s * y
                        u[q * m + i] = s * x + c * y
                    }
                    for i in 0..<n {
                        let x = v[p * n + i], y = v[q * n + i]
                        v[p * n + i] = c * x - s * y
                        v[q * n + i] = s * x + c * y
                    }
                }
            }
            if !rotated { break }
        }
        // A = Σₖ σₖ (uₖ/σₖ) vₖᵀ, so pinv(A) = Σₖ vₖ uₖᵀ / σₖ² over the kept σₖ = ‖uₖ‖.
        var sigma = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var s = 0.0
            for i in 0..<m { s += u[k * m + i] * u[k * m + i] }
            sigma[k] = s.squareRoot()
        }
        let keep = cutoff * (sigma.max() ?? 0)
        var out = [Double](repeating: 0, count: n * m)
        for k in 0..<n where sigma[k] > keep {
            let inv = 1 / (sigma[k] * sigma[k])
            for r in 0..<n {
                let vr = v[k * n + r] * inv
                if vr == 0 { continue }
                for c in 0..<m { out[r * m + c] += vr * u[k * m + c] }
            }
        }
        return out
    }
}
