import COpenBLAS

/// The fp32 GEMM vitopt uses everywhere: OpenBLAS `cblas_sgemm`, row-major.
public enum BLAS {
    /// Sets OpenBLAS's thread count (process-wide).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// `C = alpha·op(A)·op(B) + beta·C` with row-major operands; `op` transposes when the flag is set.
    /// A is m×k after `op`, B is k×n after `op`, C is m×n.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// `y = x·Wᵀ + b` for `rows` rows: `x` is rows×k, `weight` is n×k (PyTorch's Linear layout), `y` is rows×n.
    /// The bias is copied into `y` first and the GEMM accumulates onto it (beta = 1). Rows are split
    /// across the context's threads, each calling single-threaded OpenBLAS (the executor keeps
    /// OpenBLAS's own pool at one thread so its spinning workers never compete with vitopt's).
    public static func linear(_ x: UnsafePointer<Float>, rows: Int, k: Int, weight: UnsafePointer<Float>, n: Int,
                              bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                              context: ExecutionContext = ExecutionContext(threads: 1)) {
        context.parallelFor(rows, minChunk: 16) { r in
            if let bias {
                for row in r { (y + row * n).update(from: bias, count: n) }
            }
            sgemm(transB: true, m: r.count, n: n, k: k, a: x + r.lowerBound * k, lda: k, b: weight, ldb: k,
                  beta: bias == nil ? 0 : 1, c: y + r.lowerBound * n, ldc: n)
        }
    }
}
