import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

@Suite struct NpyTests {
    @Test(arguments: [DType.f32, .f64, .i64])
    func roundTrip(_ dtype: DType) throws {
        var rng = SeededGenerator(seed: 3)
        let shape = [2, 3, 5]
        let bytes = (0..<(30 * dtype.byteSize)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let t = bytes.withUnsafeBytes { Tensor(dtype: dtype, shape: shape, bytes: $0) }
        let path = Fixtures.scratch() + "/a.npy"
        try NpyArray.write(t, to: path)
        let back = try NpyArray.read(path: path)
        #expect(back.bitwiseEqual(t))
        // Header padded so the data starts on a 64-byte boundary, as numpy writes it.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect((size - t.byteCount) % 64 == 0)
    }

    @Test func oneDimensionalAndScalarShapes() throws {
        let dir = Fixtures.scratch()
        try NpyArray.write(Tensor(shape: [4], floats: [1, 2, 3, 4]), to: dir + "/v.npy")
        #expect(try NpyArray.read(path: dir + "/v.npy").shape == [4])
        try NpyArray.write(Tensor(shape: [], floats: [7]), to: dir + "/s.npy")
        let s = try NpyArray.read(path: dir + "/s.npy")
        #expect(s.shape == [] && s.floatArray() == [7])
    }

    @Test func readsNumpyWrittenGoldens() throws {
        let y = try Fixtures.npy("digits/test_y.npy")
        #expect(y.dtype == .i64 && y.rank == 1)
        let x = try Fixtures.npy("inputs/batch224.npy")
        #expect(x.dtype == .f16 && x.shape == [2, 3, 224, 224])
    }

    @Test func badFilesAreTypedErrors() throws {
        let dir = Fixtures.scratch()
        FileManager.default.createFile(atPath: dir + "/x.npy", contents: Data("not numpy".utf8))
        #expect(throws: FormatError.self) { _ = try NpyArray.read(path: dir + "/x.npy") }
        try NpyArray.write(Tensor(shape: [8], floats: Array(repeating: 1, count: 8)), to: dir + "/t.npy")
        let full = try Data(contentsOf: URL(fileURLWithPath: dir + "/t.npy"))
        try full.prefix(full.count - 3).write(to: URL(fileURLWithPath: dir + "/t.npy"))
        #expect(throws: FormatError.self) { _ = try NpyArray.read(path: dir + "/t.npy") }
        #expect(throws: FormatError.self) { try NpyArray.write(Tensor(zeros: .u8, shape: [2]), to: dir + "/u.npy") }
    }
}
