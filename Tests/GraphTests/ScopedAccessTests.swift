import Testing
@testable import Graph

/// The scoped tensor access API: the converted copy an unaligned or non-F32 tensor needs lives for
/// the closure, values are bit-exact, and the pointers see the tensor's own window.
@Suite struct ScopedAccessTests {
    /// An F32 tensor viewing `values` at byte offset `offset` of a fresh storage (offset 2: unaligned,
    /// as ONNX initializers inside the protobuf are).
    static func view(_ values: [Float], offset: Int) -> Tensor {
        let storage = TensorStorage(byteCount: values.count * 4 + offset)
        values.withUnsafeBytes { storage.base.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return Tensor(dtype: .f32, shape: [values.count], storage: storage, byteOffset: offset)
    }

    /// Floats in [-0.5, 0.5) with varied mantissas (a multiplicative hash of the index).
    static let values: [Float] = (0..<4099).map { (i: Int) -> Float in
        let mantissa = (UInt32(i) &* 2_654_435_761) % 0x0100_0000
        return Float(bitPattern: 0x3F80_0000 | (mantissa >> 1)) - 1.5
    }

    @Test("unaligned F32 views convert bit-exactly and the copy outlives the closure's work")
    func unalignedFloats() {
        let t = Self.view(Self.values, offset: 2)
        #expect(!t.isAligned)
        let got = t.withFloats { f -> [Float] in
            // Allocate and fill while the pointer is in use: a freed copy would be overwritten here.
            let churn = (0..<64).map { _ in Tensor(shape: [4099], floats: [Float](repeating: .nan, count: 4099)) }
            #expect(churn.count == 64)
            return Array(f)
        }
        #expect(got.map(\.bitPattern) == Self.values.map(\.bitPattern))
    }

    @Test("aligned F32 tensors are passed without a copy")
    func alignedIsZeroCopy() {
        let t = Self.view(Self.values, offset: 64)
        #expect(t.isAligned)
        let base = t.withUnsafeBytes { UnsafeRawPointer($0.baseAddress!) }
        let same = t.withFloats { UnsafeRawPointer($0.baseAddress!) == base }
        #expect(same)
        #expect(t.withUnsafeBytes { $0.count } == Self.values.count * 4)
    }

    @Test("other dtypes convert with asF32's contract")
    func halfAndIntegers() {
        let h = [UInt16(0x3C00), 0xC000, 0x0001].withUnsafeBytes { Tensor(dtype: .f16, shape: [3], bytes: $0) }
        #expect(h.withFloats { Array($0) } == [1, -2, 0x1p-24])
        let i = Tensor.integers([-3, 7, 1 << 20], shape: [3], dtype: .i32)
        #expect(i.withFloats { Array($0) } == [-3, 7, Float(1 << 20)])
        #expect(i.withElements(as: Int32.self) { Array($0) } == [-3, 7, 1 << 20])
    }

    @Test("mutable access writes the tensor's own window of a shared storage")
    func mutableWindow() {
        let t = Tensor(shape: [4, 3], floats: (0..<12).map(Float.init))
        let rows = t.slice(rows: 1..<3)
        rows.withMutableFloats { p in for i in p.indices { p[i] = -p[i] } }
        #expect(t.floatArray() == [0, 1, 2, -3, -4, -5, -6, -7, -8, 9, 10, 11])
        let q = Tensor(zeros: .i8, shape: [2, 2])
        q.withMutableElements(as: Int8.self) { p in p[3] = -127 }
        #expect(q.intArray() == [0, 0, 0, -127])
        q.withUnsafeMutableBytes { $0[0] = 5 }
        #expect(q.intArray() == [5, 0, 0, -127])
    }

    @Test("floatArray of an unaligned view equals its values")
    func floatArrayUnaligned() {
        let t = Self.view(Self.values, offset: 1)
        #expect(t.floatArray().map(\.bitPattern) == Self.values.map(\.bitPattern))
    }
}
