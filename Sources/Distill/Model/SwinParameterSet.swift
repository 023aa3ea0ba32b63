#if canImport(Glibc)
import Glibc
#endif
import Graph

/// A Swin student's parameters in one contiguous fp32 buffer (gradients beside it), in
/// `SwinDescription.expected` order under timm's canonical names (packed `qkv`).
///
/// AdamW decays the matrices except the relative position bias tables (timm `SwinTransformer.no_weight_decay`,
/// `param_groups_weight_decay`): no decay for 1-D tensors (biases, norms) nor for `relative_position_bias_table`.
public final class SwinParameterSet: FlatParameters, @unchecked Sendable {
    public let layout: [FlatParameterEntry]
    /// Shapes by entry, in `layout` order.
    public let shapes: [[Int]]
    public let count: Int
    public let values: Tensor
    public let grads: Tensor
    private let index: [String: Int]

    /// Copies the parameters of `model` (converted to fp32).
    /// - Throws: `DistillError.unsupported` when a tensor the config calls for is missing or of another shape.
    public init(_ model: SwinDescription) throws {
        var layout: [FlatParameterEntry] = [], shapes: [[Int]] = []
        var offset = 0
        for (name, shape) in model.expected {
            let n = shape.reduce(1, *)
            layout.append(FlatParameterEntry(name: name, offset: offset, count: n, decays: Self.decays(name, shape: shape)))
            shapes.append(shape)
            offset += n
        }
        self.layout = layout
        self.shapes = shapes
        self.count = offset
        self.values = try Tensor(zeros: .f32, shape: [offset], for: "Swin student parameters")
        self.grads = try Tensor(zeros: .f32, shape: [offset], for: "Swin student gradients")
        self.index = Dictionary(uniqueKeysWithValues: layout.enumerated().map { ($1.name, $0) })
        let dst = values.mutableFloats
        for (e, shape) in zip(layout, shapes) {
            guard let t = model.tensors[e.name], t.shape == shape else { throw DistillError.unsupported("Swin tensor '\(e.name)' is missing or not \(shape)") }
            t.asF32().withFloats { f in
                guard let src = f.baseAddress else { return }
                (dst + e.offset).update(from: src, count: e.count)
            }
        }
    }

    static func decays(_ name: String, shape: [Int]) -> Bool { shape.count > 1 && !name.hasSuffix("relative_position_bias_table") }

    /// Pointer to the values of `name` (a name of `SwinDescription.expected` for this config).
    func value(_ name: String) -> UnsafeMutablePointer<Float> { values.mutableFloats + layout[index[name]!].offset }
    /// Pointer to the gradient of `name`.
    func grad(_ name: String) -> UnsafeMutablePointer<Float> { grads.mutableFloats + layout[index[name]!].offset }

    public func zeroGradients() { memset(grads.mutableRawPointer, 0, grads.byteCount) }

    /// The parameters (or, from `buffer`, e.g. the gradients) as separate tensors by canonical name (copies).
    public func tensors(from buffer: Tensor? = nil) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        let source = buffer ?? values
        source.withFloats { src in
            for (e, shape) in zip(layout, shapes) {
                let t = Tensor(zeros: .f32, shape: shape)
                t.mutableFloats.update(from: src.baseAddress! + e.offset, count: e.count)
                out[e.name] = t
            }
        }
        return out
    }
}
