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
        let out = storage.base
        weight.withElements(as: Int8.self) { w in
            scale.withFloats { s in
                guard let bias else { return vitopt_i8_pack(w.baseAddress, Int32(k), Int32(n), s.baseAddress, nil, out) }
                bias.withFloats { b in vitopt_i8_pack(w.baseAddress, Int32(k), Int32(n), s.baseAddress, b.baseAddress, out) }
            }
        }
    }
}

extension PackedWeights {
    /// Bytes of the packed form of a `[n, k]` weight.
    public static func byteCount(k: Int, n: Int) -> Int { Int(vitopt_i8_packed_bytes(Int32(k), Int32(n))) }

    /// Views an already packed U8 tensor (made by `init(weight:scale:bias:)`) without copying.
    init(packed: Tensor, k: Int, n: Int) {
        precondition(packed.byteCount == Self.byteCount(k: k, n: n) && Int(bitPattern: packed.rawPointer) % 64 == 0,
                     "packed weights must be \(Self.byteCount(k: k, n: n)) bytes, 64-byte aligned")
        inFeatures = k
        outFeatures = n
        storage = TensorStorage(viewing: packed.rawPointer, byteCount: packed.byteCount, owner: packed.storage)
    }

    /// The packed bytes as a U8 tensor (shares storage), for use as a graph initializer.
    public var tensor: Tensor { Tensor(dtype: .u8, shape: [storage.byteCount], storage: storage) }
}

extension PackedWeights {
    /// `k` rounded up to a multiple of 4.
    public static func paddedK(_ k: Int) -> Int { Int(vitopt_i8_padded_k(Int32(k))) }
}
