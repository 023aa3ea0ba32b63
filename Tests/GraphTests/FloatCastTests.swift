import Testing
import Graph
import TestSupport

/// `convert --dtype`: parameters stored as F16 or BF16 bit for bit as PyTorch's `.to(dtype)` stores
/// them (samples/bf16/round_*.npy, written by samples/gen_bf16.py), NaNs excepted for BF16 (PyTorch's
/// NaN spelling depends on its code path; vitopt's stays a NaN).
@Suite struct FloatCastTests {
    static func bits(_ t: Tensor) -> [UInt16] {
        t.withUnsafeBytes { raw in (0..<t.count).map { raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) } }
    }

    static func torchBits(_ file: String) throws -> [UInt16] {
        try Fixtures.npy(file).floatArray().map { UInt16(truncatingIfNeeded: Int32($0)) }
    }

    @Test func bf16MatchesPyTorch() throws {
        let x = try Fixtures.npy("bf16/round_input.npy")
        let mine = Self.bits(x.castingFloats(to: .bf16)), torch = try Self.torchBits("bf16/round_torch_bits.npy")
        let values = x.floatArray()
        #expect(mine.count == torch.count && mine.count > 4000)
        var compared = 0
        for i in values.indices {
            if values[i].isNaN { #expect(mine[i] & 0x7F80 == 0x7F80 && mine[i] & 0x7F != 0); continue }
            #expect(mine[i] == torch[i], "\(values[i]): torch 0x\(String(torch[i], radix: 16)), vitopt 0x\(String(mine[i], radix: 16))")
            compared += 1
        }
        #expect(compared > 4000)
    }

    @Test func f16MatchesPyTorchIncludingNaNs() throws {
        let x = try Fixtures.npy("bf16/round_input.npy")
        let mine = Self.bits(x.castingFloats(to: .f16)), torch = try Self.torchBits("bf16/round_torch_f16_bits.npy")
        #expect(mine.count == torch.count)
        let wrong = mine.indices.filter { mine[$0] != torch[$0] }
        #expect(wrong.isEmpty, "\(wrong.count) differ, first at \(wrong.first.map { "\(x.floatArray()[$0])" } ?? "")")
    }

    @Test func roundTripsAndIntegersAreUnchanged() throws {
        let x = try Fixtures.npy("bf16/round_input.npy")
        let b = x.castingFloats(to: .bf16)
        #expect(b.dtype == .bf16 && b.shape == x.shape)
        // Casting back to bf16 from its exact f32 value changes nothing.
        #expect(Self.bits(b.castingFloats(to: .f32).castingFloats(to: .bf16)) == Self.bits(b))
        let ints = Tensor(dtype: .i32, shape: [2], storage: TensorStorage(byteCount: 8), byteOffset: 0)
        #expect(ints.castingFloats(to: .f16).dtype == .i32)
    }

    @Test func modelParametersAreCast() throws {
        let c = ViTConfig(imageSize: [16, 16], patchSize: [8, 8], embedDim: 8, depth: 1, numHeads: 2, mlpHidden: 16, numClasses: 3)
        let m = try ViTDescription.random(config: c, seed: 1).castingParameters(to: .f16)
        #expect(m.tensors.values.allSatisfy { $0.dtype == .f16 })
    }
}
