import Graph
import Testing
@testable import Quantize

/// The quantizer on unaligned F32 views (how ONNX initializers sit inside the protobuf): the result
/// must be bit-identical to quantizing an aligned copy. Before the scoped access API the quantizer
/// read a pointer into the converted copy after it was freed (garbage scales; a heap-use-after-free
/// under AddressSanitizer, `make test-asan`).
@Suite struct UnalignedWeightTests {
    /// A `[n, k]` F32 tensor viewing its values at byte `offset` of a fresh storage.
    static func view(n: Int, k: Int, offset: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let values = (0..<(n * k)).map { _ in rng.normal() }
        let storage = TensorStorage(byteCount: values.count * 4 + offset)
        values.withUnsafeBytes { storage.base.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return Tensor(dtype: .f32, shape: [n, k], storage: storage, byteOffset: offset)
    }

    @Test("quantize, dequantize and SQNR of an unaligned weight equal the aligned copy's", arguments: [1, 2, 3])
    func quantizeUnaligned(_ offset: Int) throws {
        let w = Self.view(n: 96, k: 200, offset: offset, seed: UInt64(offset))
        #expect(!w.isAligned)
        let aligned = w.copy()
        #expect(aligned.isAligned)
        let a = try WeightQuantizer.quantize(w, node: "head", name: "head.weight")
        let b = try WeightQuantizer.quantize(aligned, node: "head", name: "head.weight")
        #expect(a.weight.bitwiseEqual(b.weight) && a.scale.bitwiseEqual(b.scale))
        // The scale of each row is its max |w| / 127, recomputed here from the values.
        let f = aligned.floatArray(), s = a.scale.floatArray()
        for r in 0..<96 { #expect(s[r] == f[(r * 200)..<(r * 200 + 200)].map(abs).max()! / 127) }
        let unalignedScale = Self.view(n: 1, k: 96, offset: offset, seed: 0)
        s.withUnsafeBytes { unalignedScale.storage.base.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let dq = WeightQuantizer.dequantize(a.weight, scale: unalignedScale.reshaped([96]))
        #expect(dq.bitwiseEqual(WeightQuantizer.dequantize(b.weight, scale: b.scale)))
        #expect(WeightQuantizer.sqnr(w, dq) == WeightQuantizer.sqnr(aligned, dq))
        #expect(WeightQuantizer.sqnr(w, dq) > 35)
    }

    @Test("the report's cosine of unaligned outputs equals the aligned copies'")
    func compareUnaligned() {
        let x = Self.view(n: 4, k: 10, offset: 2, seed: 5), y = Self.view(n: 4, k: 10, offset: 3, seed: 6)
        let u = QuantizationReport.compare(x, y), v = QuantizationReport.compare(x.copy(), y.copy())
        #expect(u.mean == v.mean && u.min == v.min && u.maxAbs == v.maxAbs)
        #expect(QuantizationReport.compare(x, x).min > 0.999_999)
    }

    @Test("a non-finite weight is refused with its position, also through an unaligned view")
    func nonFiniteNamed() {
        let w = Self.view(n: 3, k: 5, offset: 2, seed: 9)
        let bad = Float.nan
        withUnsafeBytes(of: bad) { w.storage.base.advanced(by: 2 + (1 * 5 + 4) * 4).copyMemory(from: $0.baseAddress!, byteCount: 4) }
        #expect { try WeightQuantizer.quantize(w, node: "fc", name: "fc.weight") } throws: { "\($0)".contains("[1, 4]") }
    }
}
