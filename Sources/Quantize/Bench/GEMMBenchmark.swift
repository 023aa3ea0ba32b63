import Dispatch
import Graph

/// Throughput of vitopt's int8 GEMM, OpenBLAS sgemm (through `BLAS.sgemm`) and vitopt's packed fp32
/// GEMM on one shape,
/// measured as `../shared/bench/peer_gemm.sh` does: best of `reps` calls, `2·M·K·N` ops per call.
public enum GEMMBenchmark {
    public struct Shape: Sendable, Hashable, CustomStringConvertible {
        public let m, k, n: Int
        public init(m: Int, k: Int, n: Int) { self.m = m; self.k = k; self.n = n }
        public var description: String { "\(m)x\(k)x\(n)" }

        /// Parses `MxKxN`.
        public init?(_ text: String) {
            let p = text.lowercased().split(separator: "x").compactMap { Int($0) }
            guard p.count == 3, p.allSatisfy({ $0 >= 1 }) else { return nil }
            self.init(m: p[0], k: p[1], n: p[2])
        }
    }

    /// The peer script's shapes: tokens (197 per image at 224/16, ×8 for batch 8) × ViT-B's qkv, proj,
    /// fc1, fc2, and one ViT-Ti-sized shape.
    public static let peerShapes: [Shape] = [
        Shape(m: 197, k: 768, n: 2304), Shape(m: 197, k: 768, n: 768), Shape(m: 197, k: 768, n: 3072),
        Shape(m: 197, k: 3072, n: 768), Shape(m: 1576, k: 768, n: 2304), Shape(m: 1576, k: 768, n: 3072),
        Shape(m: 1576, k: 3072, n: 768), Shape(m: 65, k: 192, n: 576),
    ]

    public struct Result: Sendable {
        public let shape: Shape
        /// int8 GOP/s of the selected kernel path (quantization of the activations not included, as for oneDNN).
        public let int8GOPs: Double
        public let sgemmGFLOPs: Double
        /// vitopt's own packed fp32 GEMM (`FloatGEMM`, the path the executor uses), GFLOP/s.
        public let packedGFLOPs: Double
        /// vitopt's bf16 GEMM (`BF16GEMM`, rounding of the activations included), GFLOP/s; `nil` when
        /// the CPU has no bf16 path (and `VITOPT_BF16_KERNEL` forces none).
        public var bf16GFLOPs: Double? = nil
    }

    /// Measures `shape` with `threads` threads on `path`.
    public static func measure(_ shape: Shape, threads: Int, reps: Int, path: Int8KernelPath, bf16: BF16GEMM.Path? = nil) -> Result {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        var rng = SeededGenerator(seed: 3)
        let ctx = ExecutionContext(threads: threads)
        let x = Tensor(shape: [m, k], floats: (0..<(m * k)).map { _ in rng.normal() })
        let w = Tensor(zeros: .i8, shape: [n, k])
        let wp = w.mutableRawPointer.assumingMemoryBound(to: Int8.self)
        for i in 0..<(n * k) { wp[i] = Int8(Int(rng.next() % 255) - 127) }
        let packed = PackedWeights(weight: w, scale: Tensor(shape: [n], floats: [Float](repeating: 0.01, count: n)), bias: nil)
        let q = QuantizedRows.quantize(x.floats, rows: m, features: k, perTensor: false, context: ctx)
        let out = Tensor(zeros: .f32, shape: [m, n])
        let ops = 2.0 * Double(m) * Double(k) * Double(n)
        let int8 = best(reps) { Int8GEMM.run(q, packed, into: out.mutableFloats, ldc: n, path: path, context: ctx) }
        let b = Tensor(shape: [k, n], floats: (0..<(k * n)).map { _ in rng.normal() })
        BLAS.setThreads(threads)
        let sgemm = best(reps) {
            BLAS.sgemm(m: m, n: n, k: k, a: x.floats, lda: k, b: b.floats, ldb: n, c: out.mutableFloats, ldc: n)
        }
        BLAS.setThreads(1)  // back to what every other caller expects
        let wf = Tensor(shape: [n, k], floats: (0..<(n * k)).map { _ in rng.normal() })
        let fp = FloatGEMM.pack(wf), fpath = FloatGEMM.selectedPath ?? FloatGEMM.bestPath
        let packed32 = best(reps) {
            FloatGEMM.multiply(x.floats, m: m, k: k, packed: fp, n: n, bias: nil, into: out.mutableFloats, path: fpath, context: ctx)
        }
        var result = Result(shape: shape, int8GOPs: ops / int8 / 1e9, sgemmGFLOPs: ops / sgemm / 1e9, packedGFLOPs: ops / packed32 / 1e9)
        if let bf16, let wb = try? BF16GEMM.pack(wf, name: "benchmark weight", path: bf16) {
            let t = best(reps) {
                try? BF16GEMM.multiply(x.floats, m: m, k: k, packed: wb, n: n, bias: nil, into: out.mutableFloats, path: bf16, context: ctx)
            }
            result.bf16GFLOPs = ops / t / 1e9
        }
        return result
    }

    /// Fastest of `reps` timed calls (after one warm-up), in seconds.
    static func best(_ reps: Int, _ body: () -> Void) -> Double {
        body()
        var t = Double.infinity
        for _ in 0..<max(1, reps) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            t = min(t, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return t
    }
}
