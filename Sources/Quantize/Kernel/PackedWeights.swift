internal import CInt8GEMM
import Graph

/// An int8 weight matrix packed once for the GEMM kernels: panels of 64 output columns, k in groups
/// of 4 per column, K padded to 4 and N to 64 with zeros, and each panel's column sums, weight scales
/// and biases stored right after its weights (see `CInt8GEMM.h` for the byte layout).
public struct PackedWeights: @unchecked Sendable {
    /// Input features (K) and output features (N).
    public let inFeatures: Int
    public let outFeatures: Int
    /// The packed bytes (64-byte aligned, owned).
    public let storage: TensorStorage

    /// K rounded up to a multiple of 4: the row stride quantized activations need.
    public var paddedK: Int { Int(vitopt_i8_padded_k(Int32(inFeatures))) }
    /// Number of 64-column panels.
    public var panels: Int { Int(vitopt_i8_panels(Int32(outFeatures))) }

    /// Packs `weight` (I8 `[N, K]`), `scale` (F32 `[N]`) and `bias` (F32 `[N]` or nil).
    public init(weight: Tensor, scale: Tensor, bias: Tensor?) {
        precondition(weight.dtype == .i8 && weight.rank == 2, "PackedWeights needs an I8 [N, K] weight")
        let n = weight.shape[0], k = weight.shape[1]
        precondition(scale.count == n && (bias?.count ?? n) == n, "scale/bias must have \(n) entries")
        inFeatures = k
        outFeatures = n
        storage = TensorStorage(byteCount: Int(vitopt_i8_packed_bytes(Int32(k), Int32(n))))
        let s = scale.asF32(), b = bias?.asF32()
        vitopt_i8_pack(weight.rawPointer.assumingMemoryBound(to: Int8.self), Int32(k), Int32(n), s.floats, b?.floats, storage.base)
    }
}
