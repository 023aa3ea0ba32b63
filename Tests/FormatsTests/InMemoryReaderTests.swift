import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// The in-memory entry points (`bytes:name:`) of the byte-level readers: the same reader as the
/// path route (which maps the file and calls it), so the same tensors, and errors naming `name`.
@Suite struct InMemoryReaderTests {
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample(relative))))
    }

    /// Every tensor of `a` is in `b` with the same dtype, shape and bytes, and nothing else is.
    static func same(_ a: [String: Tensor], _ b: [String: Tensor]) -> Bool {
        a.count == b.count && a.allSatisfy { name, t in b[name].map { $0.bitwiseEqual(t) } ?? false }
    }

    /// The description of the error `body` throws ("" when it throws none).
    static func error(_ body: () throws -> Void) -> String {
        do { try body() } catch { return String(describing: error) }
        return ""
    }

    @Test func safetensorsBytesReadAsThePath() throws {
        let rel = "hf-vitmodel/model.safetensors"
        let byPath = try SafetensorsFile(path: Fixtures.sample(rel))
        let byBytes = try SafetensorsFile(bytes: Self.bytes(rel), name: "memory.safetensors")
        #expect(!byPath.tensors.isEmpty)
        #expect(Self.same(byPath.tensors, byBytes.tensors))
        #expect(byPath.names == byBytes.names && byPath.metadata == byBytes.metadata && byPath.fileSize == byBytes.fileSize)
        #expect(byBytes.path == "memory.safetensors")
        let truncated = Array(try Self.bytes(rel).dropLast(3))
        let why = Self.error { _ = try SafetensorsFile(bytes: truncated, name: "memory.safetensors") }
        #expect(why.hasPrefix("memory.safetensors: "), "\(why)")
    }

    @Test func npyBytesReadAsThePath() throws {
        let rel = "attention/digits_7_1_heads.npy"
        let byPath = try NpyArray.read(path: Fixtures.sample(rel))
        let byBytes = try NpyArray.read(bytes: Self.bytes(rel), name: "memory.npy")
        #expect(byPath.bitwiseEqual(byBytes))
        #expect(byPath.count > 0)
        let why = Self.error { _ = try NpyArray.read(bytes: Array(try Self.bytes(rel).dropLast(1)), name: "memory.npy") }
        #expect(why.hasPrefix("memory.npy: "), "\(why)")
        // Empty input: refused like an empty file, not read out of bounds.
        #expect(Self.error { _ = try NpyArray.read(bytes: [], name: "empty.npy") }.hasPrefix("empty.npy: "))
    }

    @Test func onnxBytesReadAsThePath() throws {
        let rel = "onnx-ops/ops11.onnx"
        let byPath = try ONNXFile(path: Fixtures.sample(rel))
        let byBytes = try ONNXFile(bytes: Self.bytes(rel), name: "memory.onnx")
        #expect(Self.same(byPath.graph.initializers, byBytes.graph.initializers))
        #expect(byPath.graph.nodes.map(\.op) == byBytes.graph.nodes.map(\.op))
        #expect(byPath.initializerNames == byBytes.initializerNames && byPath.opset == byBytes.opset)
        #expect(Self.error { _ = try ONNXFile(bytes: [], name: "memory.onnx") }.hasPrefix("memory.onnx: "))
    }

    @Test func pytorchBytesReadAsThePath() throws {
        let rel = "pytorch/state_dict.pth"
        let byPath = try TorchCheckpoint(path: Fixtures.sample(rel))
        let byBytes = try TorchCheckpoint(bytes: Self.bytes(rel), name: "memory.pth")
        #expect(!byPath.tensors.isEmpty)
        #expect(Self.same(byPath.tensors, byBytes.tensors))
        #expect(byPath.names == byBytes.names && byPath.notes == byBytes.notes)
        let why = Self.error { _ = try TorchCheckpoint(bytes: Array(try Self.bytes(rel).prefix(100)), name: "memory.pth") }
        #expect(why.hasPrefix("memory.pth: "), "\(why)")
    }

    @Test func configBytesParseAsTheFiles() throws {
        let config = Data(try Self.bytes("hf-vitmodel/config.json"))
        let byPath = try ConfigSources.sidecarHints(for: Fixtures.sample("hf-vitmodel/model.safetensors"))
        let byBytes = try ConfigSources.sidecarHints(config: config, configName: "c.json",
                                                     preprocessor: { nil }, preprocessorName: "p.json")
        #expect(byBytes.embedDim != nil)
        #expect(byPath.embedDim == byBytes.embedDim && byPath.depth == byBytes.depth && byPath.numHeads == byBytes.numHeads)
        let why = Self.error {
            _ = try ConfigSources.sidecarHints(config: config, configName: "c.json", preprocessor: { Data("[".utf8) }, preprocessorName: "p.json")
        }
        #expect(why.hasPrefix("p.json: "), "\(why)")
    }

    @Test func hdf5BytesReadAsThePath() throws {
        let rel = "hdf5/plain/model.h5"
        let byPath = try HDF5Checkpoint(path: Fixtures.sample(rel))
        let byBytes = try HDF5Checkpoint(file: HDF5File(bytes: Self.bytes(rel), name: "memory.h5"))
        #expect(!byPath.tensors.isEmpty)
        #expect(Self.same(byPath.tensors, byBytes.tensors))
        #expect(byPath.layout == byBytes.layout && byPath.metadata == byBytes.metadata)
        // The signature is looked for where libhdf5 looks: at 0, 512, 1024, … — not at 100.
        let shifted = [UInt8](repeating: 0, count: 100) + (try Self.bytes(rel))
        #expect(Self.error { _ = try HDF5File(bytes: shifted, name: "shifted.h5") }.hasPrefix("shifted.h5: not a recognised model file"))
        #expect(Self.error { _ = try HDF5File(path: Fixtures.sample("hdf5/plain/model.h5") + ".missing") } != "")
        // Truncated: libhdf5's refusal names the in-memory file.
        let truncated = Array(try Self.bytes(rel).prefix(600))
        #expect(Self.error { _ = try HDF5File(bytes: truncated, name: "memory.h5").datasets() }.hasPrefix("memory.h5: "))
    }
}
