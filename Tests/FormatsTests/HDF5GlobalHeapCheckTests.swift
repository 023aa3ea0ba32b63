import Foundation
import Testing
import TestSupport
@testable import Formats

/// The global-heap check that runs before libhdf5 reads a variable-length string: the fuzzer's
/// reproducers (an object running past its collection, a free-space object of the wrong size) are
/// refused by name; files h5py and vitopt wrote pass; the refusal reaches the caller as a typed error.
@Suite("HDF5 global heap check")
struct HDF5GlobalHeapCheckTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Fuzz/hdf5/regressions"

    static func problem(_ path: String) throws -> String? {
        let mapped = try MappedFile(path: path)
        return HDF5GlobalHeapCheck.problem(in: mapped.bytes)
    }

    @Test func wildObjectSizeIsFound() throws {
        let p = try Self.problem(Self.regressions + "/libhdf5-H5HG_read-segv.h5")
        #expect(p?.contains("object 1 of the collection at byte 2048 is 169478669 bytes") == true, "\(p ?? "nil")")
    }

    @Test func wrongFreeSpaceIsFound() throws {
        let p = try Self.problem(Self.regressions + "/libhdf5-H5HG-free-space-timeout.h5")
        #expect(p?.contains("free space of the collection at byte 39168") == true, "\(p ?? "nil")")
    }

    /// An object size just below 2^64 must be refused, not overflow the bounds arithmetic.
    @Test func objectSizeNearTheTopOfUInt64IsRefused() {
        var bytes = [UInt8](repeating: 0, count: 64)
        bytes.replaceSubrange(0..<8, with: Array("GCOL".utf8) + [1, 0, 0, 0])
        bytes.replaceSubrange(8..<16, with: [64, 0, 0, 0, 0, 0, 0, 0])
        bytes.replaceSubrange(16..<20, with: [1, 0, 0, 0])
        bytes.replaceSubrange(24..<32, with: [0xF7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let p = bytes.withUnsafeBytes { HDF5GlobalHeapCheck.problem(in: $0) }
        #expect(p?.contains("object 1 of the collection at byte 0") == true, "\(p ?? "nil")")
    }

    @Test("well-formed heaps pass", arguments: ["samples/hdf5/tf/tf_model.h5", "Fuzz/hdf5/seeds/valid-tiny-dist-keras.h5",
                                                "Fuzz/hdf5/seeds/latest-format.h5", "Fuzz/hdf5/seeds/chunked-gzip.h5"])
    func wellFormed(_ relative: String) throws {
        let root = URL(fileURLWithPath: Self.regressions).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let path = root + "/" + relative
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data("GCOL".utf8)) != nil, "\(relative) has no heap to check")
        #expect(try Self.problem(path) == nil)
    }

    @Test func readingTheStringIsATypedError() throws {
        let file = try HDF5File(path: Self.regressions + "/libhdf5-H5HG_read-segv.h5")
        let names = try file.attributeNames()
        #expect(!names.isEmpty)
        for name in names {
            #expect { _ = try file.attribute(name) } throws: { e in
                (e as? FormatError)?.description.contains("global heap is malformed") == true
            }
        }
    }
}
