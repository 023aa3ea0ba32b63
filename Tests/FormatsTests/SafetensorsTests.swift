import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

@Suite struct SafetensorsTests {
    /// One tensor of every dtype, filled with seeded random bytes (any bit pattern, NaNs included).
    static func everyDType() -> [String: Tensor] {
        var rng = SeededGenerator(seed: 5)
        var out: [String: Tensor] = [:]
        for (i, d) in DType.allCases.enumerated() {
            let shape = [i % 3 + 1, 5]
            let bytes = (0..<(shape.reduce(1, *) * d.byteSize)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            out["t.\(d.rawValue.lowercased())"] = bytes.withUnsafeBytes { Tensor(dtype: d, shape: shape, bytes: $0) }
        }
        out["scalar"] = Tensor(shape: [], floats: [3.5])
        out["empty"] = Tensor(zeros: .f32, shape: [0, 4])
        return out
    }

    @Test func roundTripIsBitExactForEveryDType() throws {
        let dir = Fixtures.scratch()
        let tensors = Self.everyDType()
        let path = dir + "/all.safetensors"
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "note": "quote \" and \\ and é"], to: path)
        let back = try SafetensorsFile(path: path)
        #expect(Set(back.tensors.keys) == Set(tensors.keys))
        for (name, t) in tensors { #expect(back.tensors[name]!.bitwiseEqual(t), "\(name)") }
        #expect(back.metadata == ["format": "pt", "note": "quote \" and \\ and é"])
        // Views of the mapped file, not copies.
        #expect(back.tensors.values.allSatisfy { !$0.storage.isOwned })
    }

    @Test func outputIsDeterministicAlignedAndPadded() throws {
        let dir = Fixtures.scratch()
        let tensors = Self.everyDType()
        try SafetensorsWriter.write(tensors, to: dir + "/a.safetensors")
        try SafetensorsWriter.write(tensors, to: dir + "/b.safetensors")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.safetensors"))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir + "/b.safetensors"))))
        let n = a.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0)
        let file = try SafetensorsFile(path: dir + "/a.safetensors")
        for t in file.tensors.values { #expect(t.isAligned) }
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.safetensors", "b.safetensors"])
    }

    /// Writes a header by hand followed by `dataBytes` zero bytes.
    func handMade(_ header: String, dataBytes: Int, lengthOverride: UInt64? = nil) -> String {
        let path = Fixtures.scratch() + "/hand.safetensors"
        var bytes: [UInt8] = []
        let h = Array(header.utf8)
        var len = lengthOverride ?? UInt64(h.count)
        for _ in 0..<8 { bytes.append(UInt8(len & 0xFF)); len >>= 8 }
        bytes += h + [UInt8](repeating: 0, count: dataBytes)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func expectError(_ path: String, contains text: String) {
        do {
            _ = try SafetensorsFile(path: path)
            Issue.record("expected an error containing '\(text)'")
        } catch let e as FormatError {
            #expect(e.description.contains(text), "\(e.description)")
            #expect(e.description.contains(path))
        } catch { Issue.record("unexpected error type \(error)") }
    }

    @Test func malformedHeadersAreTypedErrors() {
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, dataBytes: 8), contains: "outside")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8), contains: "needs 12 bytes")
        expectError(handMade(#"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8), contains: "unknown dtype")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8), contains: "overlaps")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8), contains: "hole")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 8), contains: "cover")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, dataBytes: 4), contains: "non-negative")
        expectError(handMade(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, dataBytes: 4), contains: "JSON")
        expectError(handMade(#"{"__metadata__":{"k":1}}"#, dataBytes: 0), contains: "__metadata__")
        expectError(handMade("{}", dataBytes: 0, lengthOverride: 1 << 40), contains: "limit")
        expectError(handMade("{}", dataBytes: 0, lengthOverride: 500), contains: "does not fit")
        expectError(handMade(#"{"a":{"dtype":"U8","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}"#, dataBytes: 0), contains: "overflows")
    }

    @Test func missingAndForeignFilesAreReported() throws {
        #expect(throws: FormatError.fileNotFound(path: "/nonexistent/x.safetensors")) {
            _ = try SafetensorsFile(path: "/nonexistent/x.safetensors")
        }
        let path = Fixtures.scratch() + "/text.safetensors"
        FileManager.default.createFile(atPath: path, contents: Data("hello".utf8))
        #expect(throws: FormatError.self) { _ = try SafetensorsFile(path: path) }
    }

    /// Truncating a real checkpoint anywhere, or flipping random header bytes, gives a typed error
    /// or a valid load — never a crash.
    @Test func truncationAndBitFlipSweep() throws {
        let source = Fixtures.sample("digits/timm/model.safetensors")
        let original = try Data(contentsOf: URL(fileURLWithPath: source))
        let headerLen = Int(original.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let dir = Fixtures.scratch()
        let path = dir + "/cut.safetensors"
        var cuts = Array(stride(from: 0, to: min(original.count, 8 + headerLen + 64), by: max(1, headerLen / 97)))
        cuts += stride(from: 8 + headerLen, to: original.count, by: max(1, original.count / 50)).map { $0 }
        var failures = 0
        for cut in cuts where cut < original.count {
            try original.prefix(cut).write(to: URL(fileURLWithPath: path))
            do { _ = try SafetensorsFile(path: path) } catch is FormatError { failures += 1 }
        }
        #expect(failures == cuts.filter { $0 < original.count }.count, "every truncation must be detected")
        var rng = SeededGenerator(seed: 99)
        var loaded = 0, rejected = 0
        for _ in 0..<300 {
            var bytes = [UInt8](original)
            for _ in 0..<Int(rng.next() % 3 + 1) {
                let at = Int(rng.next() % UInt64(8 + headerLen))
                bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do { _ = try SafetensorsFile(path: path); loaded += 1 } catch is FormatError { rejected += 1 }
        }
        #expect(loaded + rejected == 300)
        #expect(rejected > 0)
    }
}
