import Graph

/// Forward and backward of `y = x·Wᵀ + b` (PyTorch's Linear layout, `W` is n×k) through single-threaded
/// OpenBLAS calls that vitopt splits across the context's threads itself (`ChunkedLoop`) (OpenBLAS's own pool stays at
/// one thread, as in the `Executor`, so the two never nest or spin against each other).
///
/// Splits: the forward and `dx` by rows of the batch, `dW`/`db` by output features (rows of `W`). No
/// split cuts a reduction, so every element is summed in the same order whatever the thread count:
/// `dW[i,j]` and `db[i]` over the batch rows in ascending order (OpenBLAS's k-blocking, and a plain
/// loop for `db`). Gradients are accumulated (`+=`) so shared parameters sum their uses.
enum LinearGrad {
    /// `y = x·Wᵀ + b (+ residual)`: `x` rows×k, `w` n×k, `y` rows×n; `residual` (rows×n) is added when given.
    static func forward(x: UnsafePointer<Float>, rows: Int, k: Int, weight w: UnsafePointer<Float>, n: Int,
                        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, into y: UnsafeMutablePointer<Float>,
                        context: ExecutionContext) {
        let t = context.threads
        ChunkedLoop.run(rows, chunk: ChunkedLoop.chunk(rows, threads: t, minimum: 32), threads: t) { r, _ in
            let base = r.lowerBound
            if residual != nil || bias != nil {
                for row in r {
                    let dst = y + row * n
                    if let residual { dst.update(from: residual + row * n, count: n) } else { dst.update(from: bias!, count: n) }
                    if residual != nil, let bias { for j in 0..<n { dst[j] += bias[j] } }
                }
            }
            BLAS.sgemm(transB: true, m: r.count, n: n, k: k, a: x + base * k, lda: k, b: w, ldb: k,
                       beta: (bias == nil && residual == nil) ? 0 : 1, c: y + base * n, ldc: n)
        }
    }

    /// - Parameters: `x` rows×k (the forward input), `dy` rows×n, `w` n×k; `dx` rows×k is overwritten
    ///   (or accumulated with `accumulateInput`).
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, k: Int, n: Int,
                         weight w: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?,
                         dx: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false,
                         context: ExecutionContext = ExecutionContext(threads: 1)) {
        // dW[n,k] += dyᵀ[n,rows] · x[rows,k], split over the n output features.
        let t = context.threads
        ChunkedLoop.run(n, chunk: ChunkedLoop.chunk(n, threads: t, perThread: 2, minimum: 16), threads: t) { f, _ in
            BLAS.sgemm(transA: true, m: f.count, n: k, k: rows, a: dy + f.lowerBound, lda: n, b: x, ldb: k, beta: 1,
                       c: dW + f.lowerBound * k, ldc: k)
            if let db { columnSums(dy, rows: rows, width: n, columns: f, into: db) }
        }
        // dx[rows,k] = dy[rows,n] · W[n,k], split over rows.
        if let dx {
            ChunkedLoop.run(rows, chunk: ChunkedLoop.chunk(rows, threads: t, minimum: 32), threads: t) { r, _ in
                BLAS.sgemm(m: r.count, n: k, k: n, a: dy + r.lowerBound * n, lda: n, b: w, ldb: k, beta: accumulateInput ? 1 : 0,
                           c: dx + r.lowerBound * k, ldc: k)
            }
        }
    }

    /// `out[j] += Σ_r m[r, j]` for `j` in `columns`, summed in row order.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, columns: Range<Int>? = nil,
                           into out: UnsafeMutablePointer<Float>) {
        let cols = columns ?? 0..<width
        let lo = cols.lowerBound, count = cols.count
        let dst = out + lo
        for r in 0..<rows {
            let row = m + r * width + lo
            for j in 0..<count { dst[j] += row[j] }
        }
    }
}
