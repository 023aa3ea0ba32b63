import Graph

/// Backward of `y = x·Wᵀ + b` (PyTorch's Linear layout, `W` is n×k) through OpenBLAS.
///
/// Gradients are accumulated (`+=`) into `dW`/`db` so shared parameters sum their uses; `dx` is
/// overwritten (or accumulated with `accumulateInput`). fp32 throughout, OpenBLAS summation order.
enum LinearGrad {
    /// - Parameters: `x` rows×k (the forward input), `dy` rows×n, `w` n×k.
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, k: Int, n: Int,
                         weight w: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?,
                         dx: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false) {
        // dW[n,k] += dyᵀ[n,rows] · x[rows,k]
        BLAS.sgemm(transA: true, m: n, n: k, k: rows, a: dy, lda: n, b: x, ldb: k, beta: 1, c: dW, ldc: k)
        if let db { columnSums(dy, rows: rows, width: n, into: db) }
        // dx[rows,k] = dy[rows,n] · W[n,k]
        if let dx { BLAS.sgemm(m: rows, n: k, k: n, a: dy, lda: n, b: w, ldb: k, beta: accumulateInput ? 1 : 0, c: dx, ldc: k) }
    }

    /// `out[j] += Σ_r m[r, j]`, summed in row order.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = m + r * width
            for j in 0..<width { out[j] += row[j] }
        }
    }
}
