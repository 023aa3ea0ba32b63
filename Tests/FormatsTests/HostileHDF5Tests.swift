import Foundation
import Testing
import CHDF5
import TestSupport
@testable import Formats
import Graph

/// Hostile HDF5 files built in the test with libhdf5: declared shapes the storage cannot back,
/// external raw storage outside the file's folder, deep nesting. Each is a `FormatError` naming
/// the file and dataset, before anything is allocated.
@Suite("Hostile HDF5 files")
struct HostileHDF5Tests {
    typealias H = HostileHDF5Files

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let e as FormatError { return e.description } catch { return "untyped: \(error)" }
    }

    @Test("a gzip-chunked dataset declaring (2^40, 64) floats is refused before allocating 281 TB")
    func hugeCompressed() throws {
        let path = try H.make { f in
            let p = H.dcpl(); defer { H5Pclose(p) }
            var chunk: [hsize_t] = [16, 64]
            H5Pset_chunk(p, 2, &chunk)
            H5Pset_deflate(p, 9)
            try H.dataset(f, "w", dims: [1 << 40, 64], dcpl: p, values: [1, 2, 3])
        }
        let file = try HDF5File(path: path)
        #expect(try file.info("w").shape == [1 << 40, 64])
        let m = message { _ = try file.tensor("w") }
        #expect(m.contains("tensor 'w'") && m.contains("compressed bytes"), "\(m)")
    }

    @Test("an unfiltered chunked dataset that stores one chunk of a 1 GiB shape is refused")
    func unwrittenChunks() throws {
        let path = try H.make { f in
            let p = H.dcpl(); defer { H5Pclose(p) }
            var chunk: [hsize_t] = [16, 64]
            H5Pset_chunk(p, 2, &chunk)
            try H.dataset(f, "w", dims: [1 << 22, 64], dcpl: p, values: [1])
        }
        let m = message { _ = try HDF5File(path: path).tensor("w") }
        #expect(m.contains("tensor 'w'") && m.contains("are stored in the file"), "\(m)")
    }

    @Test("dims whose byte size overflows are refused", arguments: [[UInt64(1) << 62, 4], [UInt64(1) << 32, UInt64(1) << 32, 4]])
    func overflowingDims(_ dims: [UInt64]) throws {
        let path = try H.make { f in
            let p = H.dcpl(); defer { H5Pclose(p) }
            var chunk = [hsize_t](repeating: 1, count: dims.count)
            H5Pset_chunk(p, Int32(dims.count), &chunk)
            try H.dataset(f, "w", dims: dims, dcpl: p)
        }
        let m = message { _ = try HDF5File(path: path).tensor("w") }
        #expect(m.contains("tensor 'w'") && m.contains("overflows"), "\(m)")
    }

    /// A dataset of four floats stored in external raw storage file `name`.
    func external(_ name: String, in dir: String) throws -> String {
        try H.make(directory: dir) { f in
            let p = H.dcpl(); defer { H5Pclose(p) }
            H5Pset_external(p, name, 0, 16)
            try H.dataset(f, "w", dims: [4], dcpl: p)
        }
    }

    @Test("external raw storage outside the file's folder is refused", arguments: ["../outside.bin", "/etc/hostname", "sub/../../outside.bin",
                                                                                String(repeating: "a/", count: 2100) + "../../outside.bin"])
    func externalEscapes(_ name: String) throws {
        let root = Fixtures.scratch("hdf5-ext")
        let dir = root + "/model"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 16).write(to: URL(fileURLWithPath: root + "/outside.bin"))
        let path = try external(name, in: dir)
        let m = message { _ = try HDF5File(path: path).tensor("w") }
        #expect(m.contains("tensor 'w'") && (m.contains("escapes") || m.contains("absolute") || m.contains("longer than")), "\(m)")
    }

    @Test("external raw storage beside the file is read from the file's folder, whatever the working directory")
    func externalInside() throws {
        let dir = Fixtures.scratch("hdf5-ext-ok")
        let values: [Float] = [1.5, -2, 3.25, 4]
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: dir + "/data.bin"))
        let t = try HDF5File(path: try external("data.bin", in: dir)).tensor("w")
        #expect(t.floatArray() == values)
    }

    @Test("external raw storage shorter than the dataset is refused")
    func externalShort() throws {
        let dir = Fixtures.scratch("hdf5-ext-short")
        try Data(count: 7).write(to: URL(fileURLWithPath: dir + "/data.bin"))
        let m = message { _ = try HDF5File(path: try external("data.bin", in: dir)).tensor("w") }
        #expect(m.contains("tensor 'w'") && m.contains("is 7 bytes"), "\(m)")
    }

    /// A file with `depth` nested groups `g/g/…/g` and a dataset `w` in the innermost.
    func nested(_ depth: Int) throws -> String {
        try H.make { f in
            var groups: [hid_t] = [f]
            for _ in 0..<depth { groups.append(H5Gcreate2(groups.last!, "g", vitopt_h5p_default(), vitopt_h5p_default(), vitopt_h5p_default())) }
            defer { for g in groups.dropFirst().reversed() { H5Gclose(g) } }
            try H.dataset(groups.last!, "w", dims: [2], dcpl: vitopt_h5p_default(), values: [1, 2])
        }
    }

    @Test("1,000 nested groups are refused quickly; 60 are listed")
    func deepNesting() throws {
        let deep = try nested(1000)
        let start = Date()
        let m = message { _ = try HDF5File(path: deep).objects() }
        #expect(m.contains("nested deeper than 64"), "\(m)")
        #expect(Date().timeIntervalSince(start) < 5)
        let ok = try HDF5File(path: try nested(60)).objects()
        #expect(ok.count == 61 && ok.last?.path == Array(repeating: "g", count: 60).joined(separator: "/") + "/w")
    }

    @Test("groups shared by several hard links are listed under each link and entered once")
    func sharedGroups() throws {
        let path = try H.make { f in
            let a = H5Gcreate2(f, "a", vitopt_h5p_default(), vitopt_h5p_default(), vitopt_h5p_default())
            defer { H5Gclose(a) }
            try H.dataset(a, "w", dims: [1], dcpl: vitopt_h5p_default(), values: [1])
            // Each group links the previous one twice: without a visited set, 2^40 paths.
            var previous = "a"
            for i in 0..<40 {
                let name = "b\(i)"
                let g = H5Gcreate2(f, name, vitopt_h5p_default(), vitopt_h5p_default(), vitopt_h5p_default())
                H5Lcreate_hard(f, previous, g, "x", vitopt_h5p_default(), vitopt_h5p_default())
                H5Lcreate_hard(f, previous, g, "y", vitopt_h5p_default(), vitopt_h5p_default())
                H5Gclose(g)
                previous = name
            }
        }
        let objects = try HDF5File(path: path).objects()
        #expect(objects.count < 500 && objects.contains { $0.path == "a/w" && $0.isDataset })
    }
}
