import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// Hostile `.npy` headers: each a `FormatError` naming the file, never a trap or an allocation the
/// file cannot back.
@Suite("Hostile .npy files")
struct HostileNpyTests {
    /// A version 1.0 file with `header` (padded as NumPy pads it) followed by `data`.
    static func npy(_ header: String, data: [UInt8] = [], major: UInt8 = 1, declaredLength: Int? = nil) -> [UInt8] {
        var h = header
        let prefix = major == 1 ? 10 : 12
        h += String(repeating: " ", count: (64 - (prefix + h.utf8.count + 1) % 64) % 64) + "\n"
        let n = declaredLength ?? h.utf8.count
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        bytes += major == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF)]
                            : [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24 & 0xFF)]
        return bytes + Array(h.utf8) + data
    }

    func write(_ bytes: [UInt8]) throws -> String {
        let path = Fixtures.scratch("npy-hostile") + "/x.npy"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func message(_ path: String) -> String {
        do { _ = try NpyArray.read(path: path); return "" } catch let e as FormatError { return e.description } catch { return "untyped: \(error)" }
    }

    @Test("shapes whose byte size overflows are refused", arguments: [
        "(4611686018427387904, 4)", "(3037000500, 3037000500)", "(9223372036854775807,)", "(2305843009213693952, 2, 2)",
    ])
    func overflowingShape(_ shape: String) throws {
        let path = try write(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }", data: [0, 0, 0, 0]))
        let m = message(path)
        #expect(m.contains(path) && m.contains("overflow"), "\(m)")
    }

    @Test("a large declared shape is compared with the bytes present before allocating")
    func hugeShapeShortData() throws {
        let path = try write(Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 64), }", data: [1, 2, 3]))
        let m = message(path)
        #expect(m.contains("needs 562949953421312 bytes, file has 3"), "\(m)")
    }

    @Test("bad headers are typed errors", arguments: [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1e3,), }",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }",
        "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': 'O', 'fortran_order': False, 'shape': (1,), }",
        "{'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f4', 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, }",
        "['descr', '<f4']",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + String(repeating: "1,", count: 65) + "), }",
    ])
    func badHeader(_ header: String) throws {
        let path = try write(Self.npy(header, data: [0, 0, 0, 0]))
        let m = message(path)
        #expect(m.hasPrefix(path + ":"), "\(m)")
    }

    @Test("a header length beyond the file is refused", arguments: [UInt8(1), 2])
    func headerPastEnd(_ major: UInt8) throws {
        let path = try write(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", major: major, declaredLength: 60_000))
        #expect(message(path).contains("runs past the end"))
    }

    @Test("truncated prefixes are refused at every cut")
    func truncatedPrefixes() throws {
        let full = Self.npy("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", data: [1, 0, 2, 0, 3, 0], major: 2)
        for keep in 0..<full.count {
            let path = try write(Array(full.prefix(keep)))
            #expect(message(path).hasPrefix(path + ":"), "cut at \(keep)")
        }
    }

    @Test("Fortran-order arrays are read in C order")
    func fortranOrder() throws {
        // [[1, 2, 3], [4, 5, 6]] in column-major order is 1 4 2 5 3 6.
        let values: [Float] = [1, 4, 2, 5, 3, 6]
        let data = values.withUnsafeBytes { Array($0) }
        let path = try write(Self.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data: data))
        let t = try NpyArray.read(path: path)
        #expect(t.shape == [2, 3])
        #expect(t.floatArray() == [1, 2, 3, 4, 5, 6])
    }
}
