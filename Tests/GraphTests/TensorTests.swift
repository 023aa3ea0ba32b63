import Testing
@testable import Graph

@Suite struct TensorTests {
    @Test func halfConversionIsExact() {
        // 1.0, -2.0, smallest subnormal, largest finite, +inf, 0.333 (0x3555)
        let bits: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7BFF, 0x7C00, 0x3555]
        let want: [Float] = [1, -2, 0x1p-24, 65504, .infinity, 0.333251953125]
        let t = bits.withUnsafeBytes { Tensor(dtype: .f16, shape: [6], bytes: $0) }
        #expect(t.floatArray() == want)
        let nan = [UInt16(0x7E00)].withUnsafeBytes { Tensor(dtype: .f16, shape: [1], bytes: $0) }
        #expect(nan.floatArray()[0].isNaN)
    }

    @Test func bfloat16AndFloat8() {
        let bf: [UInt16] = [0x3F80, 0xC049, 0x0000]
        let t = bf.withUnsafeBytes { Tensor(dtype: .bf16, shape: [3], bytes: $0) }
        #expect(t.floatArray() == [1, -3.140625, 0])
        let e4m3: [UInt8] = [0x38, 0xB8, 0x7E, 0x01, 0x7F]
        let f8 = e4m3.withUnsafeBytes { Tensor(dtype: .f8e4m3, shape: [5], bytes: $0) }.floatArray()
        #expect(Array(f8.prefix(4)) == [1, -1, 448, 0x1p-9])
        #expect(f8[4].isNaN)
        let e5m2: [UInt8] = [0x3C, 0x7B]
        #expect(e5m2.withUnsafeBytes { Tensor(dtype: .f8e5m2, shape: [2], bytes: $0) }.floatArray() == [1, 57344])
    }

    @Test func integerConversions() {
        let v: [Int64] = [-3, 0, 1 << 40]
        let t = v.withUnsafeBytes { Tensor(dtype: .i64, shape: [3], bytes: $0) }
        #expect(t.intArray() == [-3, 0, 1 << 40])
        #expect(t.floatArray() == [-3, 0, Float(1 << 40)])
    }

    @Test func sliceAndReshapeShareStorage() {
        let t = Tensor(shape: [4, 3], floats: (0..<12).map(Float.init))
        let s = t.slice(rows: 1..<3)
        #expect(s.shape == [2, 3])
        #expect(s.storage === t.storage)
        #expect(s.floatArray() == [3, 4, 5, 6, 7, 8])
        #expect(t.reshaped([2, 6]).storage === t.storage)
        #expect(t.asF32().storage === t.storage)
    }

    @Test func concatenationIsExact() {
        let a = Tensor(shape: [1, 2], floats: [1, 2]), b = Tensor(shape: [2, 2], floats: [3, 4, 5, 6])
        let c = Tensor.concatenateRows([a, b])
        #expect(c.shape == [3, 2])
        #expect(c.floatArray() == [1, 2, 3, 4, 5, 6])
        #expect(Tensor.concatenateRows([c.slice(rows: 0..<1), c.slice(rows: 1..<3)]).bitwiseEqual(c))
    }
}
