import Graph

/// A student's parameters in one contiguous fp32 buffer (with its gradient buffer beside it), in
/// canonical order with a packed `qkv` per block, so the optimizer, gradient clipping and
/// checkpoints work on flat arrays.
public final class ParameterSet: @unchecked Sendable {
    public struct Entry: Sendable {
        public let key: ViTTensorKey
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let entries: [Entry]
    public let count: Int
    /// Parameter values, `count` floats.
    public let values: Tensor
    /// Gradients, `count` floats, accumulated by `backward` and cleared by `zeroGradients()`.
    public let grads: Tensor
    private let index: [ViTTensorKey: Int]

    /// Copies the parameters of `model` (converted to fp32, qkv packed).
    /// - Throws: `DistillError.unsupported` when a required tensor is missing.
    public init(_ model: ViTDescription) throws {
        let packed = model.packingQKV()
        var entries: [Entry] = []
        var offset = 0
        for key in packed.requiredKeys {
            let shape = packed.expectedShape(key)
            entries.append(Entry(key: key, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        self.entries = entries
        self.count = offset
        self.values = Tensor(zeros: .f32, shape: [offset])
        self.grads = Tensor(zeros: .f32, shape: [offset])
        self.index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
        for e in entries {
            guard let t = packed.tensors[e.key] else { throw DistillError.unsupported("tensor '\(e.key)' is missing") }
            t.withFloats { f in
                values.withMutableFloats { v in
                    guard let src = f.baseAddress, let dst = v.baseAddress else { return }
                    (dst + e.offset).update(from: src, count: min(e.count, f.count))
                }
            }
        }
    }

    public func entry(_ key: ViTTensorKey) -> Entry? { index[key].map { entries[$0] } }

    /// Pointer to the values of `key` (which must exist).
    public func value(_ key: ViTTensorKey) -> UnsafeMutablePointer<Float> { values.mutableFloats + entries[index[key]!].offset }
    /// Pointer to the gradient of `key` (which must exist).
    public func grad(_ key: ViTTensorKey) -> UnsafeMutablePointer<Float> { grads.mutableFloats + entries[index[key]!].offset }
    public func value(_ part: ViTPart, _ block: Int? = nil) -> UnsafeMutablePointer<Float> { value(ViTTensorKey(part, block: block)) }
    public func grad(_ part: ViTPart, _ block: Int? = nil) -> UnsafeMutablePointer<Float> { grad(ViTTensorKey(part, block: block)) }

    public func zeroGradients() { memset(grads.mutableRawPointer, 0, grads.byteCount) }

    /// Whether AdamW decays `entry`: timm's `param_groups_weight_decay` — no decay for 1-D tensors
    /// (biases, norms) nor for the names in `no_weight_decay` (position embedding, prefix tokens and, as
    /// timm's `Beit`, the relative position bias tables), nor for HF DINOv2's mask token (unused by the
    /// forward, so it stays as it is).
    public static func decays(_ e: Entry) -> Bool {
        if e.shape.count <= 1 { return false }
        switch e.key.part {
        case .posEmbed, .clsToken, .distToken, .regToken, .maskToken, .relativeBiasTable, .sharedRelativeBiasTable: return false
        default: return true
        }
    }

    /// The parameters as separate tensors (copies), by key.
    public func tensors(from buffer: Tensor? = nil) -> [ViTTensorKey: Tensor] {
        var out: [ViTTensorKey: Tensor] = [:]
        (buffer ?? values).withFloats { src in
            for e in entries {
                let t = Tensor(zeros: .f32, shape: e.shape)
                t.withMutableFloats { d in _ = d.update(fromContentsOf: src[e.offset..<(e.offset + e.count)]) }
                out[e.key] = t
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#endif
